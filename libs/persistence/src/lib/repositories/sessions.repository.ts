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

  async deleteExpired(): Promise<number> {
    const { rowCount } = await this.db.query('DELETE FROM sessions WHERE expires_at <= now()');
    return rowCount ?? 0;
  }
}
