import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database.js';
import { decodePositionCursor, encodeCursor } from './cursor.js';
import { iso } from './rows.js';

export interface Conversation {
  readonly id: string;
  readonly accountId: string;
  readonly botId: string;
  readonly messageCount: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type Role = 'user' | 'bot';

export interface Message {
  readonly id: string;
  readonly conversationId: string;
  readonly seq: number;
  readonly role: Role;
  readonly text: string;
  readonly createdAt: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface PageRequest {
  readonly cursor?: string | undefined;
  readonly limit: number;
}

interface ConversationRow {
  id: string;
  account_id: string;
  bot_id: string;
  message_count: number;
  position: string;
  created_at: Date;
  updated_at: Date;
}

interface MessageRow {
  id: string;
  conversation_id: string;
  seq: number;
  role: Role;
  text: string;
  created_at: Date;
}

const CONVERSATION_COLUMNS =
  'id, account_id, bot_id, message_count, position, created_at, updated_at';

const toConversation = (row: ConversationRow): Conversation => ({
  id: row.id,
  accountId: row.account_id,
  botId: row.bot_id,
  messageCount: row.message_count,
  createdAt: iso(row.created_at),
  updatedAt: iso(row.updated_at),
});

const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  conversationId: row.conversation_id,
  seq: row.seq,
  role: row.role,
  text: row.text,
  createdAt: iso(row.created_at),
});

/**
 * Where an Idempotency-Key stands for one account: `claimed` (this caller inserted it and does
 * the work), `pending` (another request holds it and has not answered yet) or `done` (the
 * first answer, to replay). `fingerprint` is the request the key was first used for.
 */
export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  | { readonly state: 'pending'; readonly fingerprint: string }
  | { readonly state: 'done'; readonly fingerprint: string; readonly response: unknown };

export interface IdempotencyKeyInput {
  readonly accountId: string;
  readonly key: string;
  readonly fingerprint: string;
  /** Keys older than this count as never used (IDEMPOTENCY_TTL_SECONDS). */
  readonly ttlSeconds: number;
}

export class ConversationsRepository {
  constructor(private readonly db: Queryable) {}

  async create(input: { accountId: string; botId: string; id?: string }): Promise<Conversation> {
    const { rows } = await this.db.query<ConversationRow>(
      `INSERT INTO conversations (id, account_id, bot_id) VALUES ($1, $2, $3)
       RETURNING ${CONVERSATION_COLUMNS}`,
      [input.id ?? randomUUID(), input.accountId, input.botId],
    );
    return toConversation(rows[0]!);
  }

  /** The conversation if it exists and belongs to `accountId`; another's is simply absent. */
  async findOwned(accountId: string, id: string): Promise<Conversation | undefined> {
    const { rows } = await this.db.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1 AND account_id = $2`,
      [id, accountId],
    );
    return rows[0] ? toConversation(rows[0]) : undefined;
  }

  /** Newest first. */
  async listOwned(accountId: string, page: PageRequest): Promise<Page<Conversation>> {
    const before =
      page.cursor === undefined ? null : String(decodePositionCursor(page.cursor, 'position'));
    const { rows } = await this.db.query<ConversationRow>(
      `SELECT ${CONVERSATION_COLUMNS} FROM conversations
        WHERE account_id = $1 AND ($2::bigint IS NULL OR position < $2::bigint)
        ORDER BY position DESC LIMIT $3`,
      [accountId, before, page.limit + 1],
    );
    const more = rows.length > page.limit;
    const items = rows.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map(toConversation),
      nextCursor: more && last ? encodeCursor({ position: String(last.position) }) : null,
    };
  }

  /**
   * Appends messages in order. The UPDATE locks the conversation row, so concurrent appends to
   * one conversation get consecutive, unique seq numbers. Call inside a transaction.
   */
  async appendMessages(
    conversationId: string,
    messages: ReadonlyArray<{ role: Role; text: string }>,
  ): Promise<Message[]> {
    const { rows } = await this.db.query<{ message_count: number }>(
      `UPDATE conversations SET message_count = message_count + $2, updated_at = now()
        WHERE id = $1 RETURNING message_count`,
      [conversationId, messages.length],
    );
    if (!rows[0]) throw new Error(`conversation ${conversationId} does not exist`);
    const first = rows[0].message_count - messages.length + 1;
    const ids = messages.map(() => randomUUID());
    const inserted = await this.db.query<MessageRow>(
      `INSERT INTO messages (id, conversation_id, seq, role, text)
       SELECT m.id, $1, m.seq, m.role, m.text
         FROM unnest($2::uuid[], $3::int[], $4::text[], $5::text[]) AS m(id, seq, role, text)
       RETURNING id, conversation_id, seq, role, text, created_at`,
      [
        conversationId,
        ids,
        messages.map((_, i) => first + i),
        messages.map((m) => m.role),
        messages.map((m) => m.text),
      ],
    );
    return inserted.rows.map(toMessage).sort((a, b) => a.seq - b.seq);
  }

  /** Oldest first, `limit` at a time. */
  async listMessages(conversationId: string, page: PageRequest): Promise<Page<Message>> {
    const after = page.cursor === undefined ? 0 : decodePositionCursor(page.cursor, 'seq');
    const { rows } = await this.db.query<MessageRow>(
      `SELECT id, conversation_id, seq, role, text, created_at FROM messages
        WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [conversationId, after, page.limit + 1],
    );
    const more = rows.length > page.limit;
    const items = rows.slice(0, page.limit).map(toMessage);
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor({ seq: last.seq }) : null };
  }

  /**
   * Claims `key` for `accountId`, or says who has it. Each statement commits on its own (call it
   * outside a transaction), so a concurrent request with the same key sees the claim at once;
   * the primary key decides which of two concurrent INSERTs wins. Every key older than
   * `ttlSeconds`, of any account, is deleted first (the created_at index finds them, each row is
   * deleted once): an expired key is free again and the table holds one TTL's keys.
   */
  async claimIdempotencyKey(input: IdempotencyKeyInput): Promise<IdempotencyClaim> {
    const { accountId, key, fingerprint, ttlSeconds } = input;
    await this.db.query(
      `DELETE FROM idempotency_keys WHERE created_at <= now() - make_interval(secs => $1)`,
      [ttlSeconds],
    );
    // Twice at most: a holder that failed between our INSERT and our SELECT freed the key.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const inserted = await this.db.query(
        `INSERT INTO idempotency_keys (account_id, key, fingerprint) VALUES ($1, $2, $3)
         ON CONFLICT (account_id, key) DO NOTHING RETURNING key`,
        [accountId, key, fingerprint],
      );
      if (inserted.rows.length > 0) return { state: 'claimed' };
      const { rows } = await this.db.query<{ fingerprint: string; response: unknown }>(
        `SELECT fingerprint, response FROM idempotency_keys WHERE account_id = $1 AND key = $2`,
        [accountId, key],
      );
      const row = rows[0];
      if (!row) continue;
      return row.response === null
        ? { state: 'pending', fingerprint: row.fingerprint }
        : { state: 'done', fingerprint: row.fingerprint, response: row.response };
    }
    return { state: 'pending', fingerprint };
  }

  /** Stores the answer of a claimed key; call in the transaction that stores the messages. */
  async completeIdempotencyKey(accountId: string, key: string, response: unknown): Promise<void> {
    await this.db.query(
      `UPDATE idempotency_keys SET response = $3::jsonb WHERE account_id = $1 AND key = $2`,
      [accountId, key, JSON.stringify(response)],
    );
  }

  /** Frees a claimed key whose request failed (nothing was stored), so a retry runs anew. */
  async releaseIdempotencyKey(accountId: string, key: string): Promise<void> {
    await this.db.query(
      `DELETE FROM idempotency_keys WHERE account_id = $1 AND key = $2 AND response IS NULL`,
      [accountId, key],
    );
  }
}
