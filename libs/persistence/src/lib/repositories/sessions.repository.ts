import type { Queryable } from '../db/database.js';
import { iso } from './rows.js';

export interface SessionOwner {
  readonly accountId: string;
  readonly username: string;
  readonly expiresAt: string;
}

export class SessionsRepository {
  constructor(private readonly db: Queryable) {}

  async create(input: {
    tokenHash: string;
    accountId: string;
    ttlSeconds: number;
  }): Promise<string> {
    const { rows } = await this.db.query<{ expires_at: Date }>(
      `INSERT INTO sessions (token_hash, account_id, expires_at)
       VALUES ($1, $2, now() + make_interval(secs => $3))
       RETURNING expires_at`,
      [input.tokenHash, input.accountId, input.ttlSeconds],
    );
    return iso(rows[0]!.expires_at);
  }

  /** The account a live session belongs to; expired sessions are treated as absent. */
  async findOwner(tokenHash: string): Promise<SessionOwner | undefined> {
    const { rows } = await this.db.query<{
      account_id: string;
      username: string;
      expires_at: Date;
    }>(
      `SELECT s.account_id, a.username, s.expires_at
         FROM sessions s JOIN accounts a ON a.id = s.account_id
        WHERE s.token_hash = $1 AND s.expires_at > now()`,
      [tokenHash],
    );
    const row = rows[0];
    return row
      ? { accountId: row.account_id, username: row.username, expiresAt: iso(row.expires_at) }
      : undefined;
  }

  async delete(tokenHash: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM sessions WHERE token_hash = $1', [
      tokenHash,
    ]);
    return (rowCount ?? 0) > 0;
  }

  /**
   * Deletes expired sessions, the longest-expired first, at most `limit` of them (all when no
   * limit is given): the log-in path calls it with SESSION_PURGE_BATCH, so one call stays small.
   */
  async deleteExpired(limit?: number): Promise<number> {
    const { rowCount } =
      limit === undefined
        ? await this.db.query('DELETE FROM sessions WHERE expires_at <= now()')
        : await this.db.query(
            `DELETE FROM sessions WHERE token_hash IN (
               SELECT token_hash FROM sessions WHERE expires_at <= now()
                ORDER BY expires_at LIMIT $1)`,
            [limit],
          );
    return rowCount ?? 0;
  }

  /** Ends the account's live sessions past the newest `keep` (MAX_SESSIONS_PER_ACCOUNT). */
  async keepNewest(accountId: string, keep: number): Promise<string[]> {
    const { rows } = await this.db.query<{ token_hash: string }>(
      `DELETE FROM sessions WHERE token_hash IN (
         SELECT token_hash FROM sessions WHERE account_id = $1 AND expires_at > now()
          ORDER BY created_at DESC, token_hash DESC OFFSET $2)
       RETURNING token_hash`,
      [accountId, keep],
    );
    return rows.map((row) => row.token_hash);
  }

  /** Ends every session of the account ("log out everywhere"); how many there were. */
  async deleteAllForAccount(accountId: string): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM sessions WHERE account_id = $1', [
      accountId,
    ]);
    return rowCount ?? 0;
  }
}
