import { randomUUID } from 'node:crypto';
import { statement, type Queryable } from '../db/database.js';
import { decodePositionCursor, encodeCursor } from './cursor.js';
import { uuidv7 } from './ids.js';
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

// Named statements (see `statement`): each is parsed and planned once per pooled connection.
const CREATE = statement(
  'conversations.create',
  `INSERT INTO conversations (id, account_id, bot_id) VALUES ($1, $2, $3)
   RETURNING ${CONVERSATION_COLUMNS}`,
);
const FIND_OWNED = statement(
  'conversations.find-owned',
  `SELECT ${CONVERSATION_COLUMNS} FROM conversations WHERE id = $1 AND account_id = $2`,
);
const LIST_OWNED = statement(
  'conversations.list-owned',
  `SELECT ${CONVERSATION_COLUMNS} FROM conversations
    WHERE account_id = $1 AND ($2::bigint IS NULL OR position < $2::bigint)
    ORDER BY position DESC LIMIT $3`,
);
const LIST_MESSAGES = statement(
  'messages.list',
  `SELECT id, conversation_id, seq, role, text, created_at FROM messages
    WHERE conversation_id = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
);

/**
 * A message as the API shows it, built in SQL, so that the answer returned and the one stored
 * under an Idempotency-Key are one value. createdAt in toISOString()'s form: to_char truncates
 * to milliseconds, as pg's Date parsing (listMessages, `iso`) does.
 */
const MESSAGE_JSON = (m: string) => `jsonb_build_object(
             'id', ${m}.id, 'conversationId', ${m}.conversation_id, 'seq', ${m}.seq,
             'role', ${m}.role, 'text', ${m}.text,
             'createdAt', to_char(${m}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`;

/**
 * One exchange (the user's message and the bot's reply) in ONE statement, so one round trip
 * and no BEGIN/COMMIT: a statement is atomic on its own, and every data-modifying CTE in it
 * commits together or not at all. `conversation` (below, one of two heads) yields the row and
 * its message_count after the two new messages; `stored` numbers them from it; `exchange`
 * builds the answer; `completed` stores that answer under the Idempotency-Key ($8; NULL
 * matches no row, so without a key it does nothing). Were the conversation gone, `conversation`
 * is empty, so nothing is inserted or completed and `body` is NULL.
 *
 * With a key, `held` (in each head) locks the key's row while it is still this request's
 * claim ($9, the token it drew) and unanswered, and nothing is written unless it did: a claim
 * taken over after its lease (CLAIM_KEY) loses its answer, and `held` in the one row returned
 * says so. The lock orders the two: a takeover waiting on it finds the row answered, and a
 * store waiting on a takeover finds another token (READ COMMITTED re-reads the locked row).
 * The foreign key from messages to a conversation inserted by the same statement holds: the
 * RI check runs at the end of the statement, when the row is there.
 */
const EXCHANGE_TAIL = `,
stored AS (
  INSERT INTO messages (id, conversation_id, seq, role, text)
  SELECT m.id, c.id, c.message_count - 2 + m.n, m.role, m.text
    FROM conversation AS c,
         (VALUES ($4::uuid, 1, 'user', $5::text), ($6::uuid, 2, 'bot', $7::text))
           AS m (id, n, role, text)
  RETURNING id, conversation_id, seq, role, text, created_at
),
exchange AS (
  SELECT jsonb_build_object(
           'conversationId', c.id,
           'botId', $3::text,
           'message', (SELECT ${MESSAGE_JSON('s')} FROM stored AS s WHERE s.role = 'user'),
           'reply', (SELECT ${MESSAGE_JSON('s')} FROM stored AS s WHERE s.role = 'bot')
         ) AS body
    FROM conversation AS c
),
completed AS (
  UPDATE idempotency_keys AS k SET response = e.body
    FROM exchange AS e
   WHERE k.account_id = $2 AND k.key = $8::text AND k.claim = $9::uuid
)
SELECT (SELECT body FROM exchange) AS body,
       ($8::text IS NULL OR EXISTS (SELECT 1 FROM held)) AS held`;

/** The claim's row, locked, while this request still holds it: see EXCHANGE_TAIL. */
const HELD = `held AS MATERIALIZED (
  SELECT 1 FROM idempotency_keys
   WHERE account_id = $2::uuid AND key = $8::text AND claim = $9::uuid AND response IS NULL
     FOR UPDATE
)`;
/** Whether this statement may write: no key, or the key's claim still this request's. */
const MAY_WRITE = `($8::text IS NULL OR EXISTS (SELECT 1 FROM held))`;

/** A new conversation, born with its two messages (its message_count is 2 from the start). */
const STORE_EXCHANGE_NEW = statement(
  'conversations.store-exchange-new',
  `WITH ${HELD},
conversation AS (
  INSERT INTO conversations (id, account_id, bot_id, message_count)
  SELECT $1::uuid, $2::uuid, $3::text, 2 WHERE ${MAY_WRITE}
  RETURNING id, message_count
)${EXCHANGE_TAIL}`,
);

/**
 * An existing conversation: the UPDATE takes the row's lock until the statement commits, so
 * concurrent exchanges on one conversation queue there and each reads the count the previous
 * one left (READ COMMITTED re-reads a row updated meanwhile): seq numbers stay consecutive and
 * unique, and each question is followed by its own answer. The owner and the bot are checked
 * again in the WHERE, so the statement can only ever write to the caller's own conversation.
 */
const STORE_EXCHANGE_CONTINUED = statement(
  'conversations.store-exchange-continued',
  `WITH ${HELD},
conversation AS (
  UPDATE conversations SET message_count = message_count + 2, updated_at = now()
   WHERE id = $1::uuid AND account_id = $2::uuid AND bot_id = $3::text AND ${MAY_WRITE}
  RETURNING id, message_count
)${EXCHANGE_TAIL}`,
);

/**
 * Purges the keys past the TTL and claims one, in one statement. `purged` is drained by
 * `count(*)` before `claimed` makes its row, so an expired row of the same key is gone first
 * (a row this statement deleted does not conflict). A row of the same key and request that is
 * still unanswered past the lease ($6 ms since claimed_at: its holder died or overran) is taken
 * over with this caller's token ($5); the conflicting row is locked either way, so two takers
 * cannot both win. When the INSERT did nothing, the second
 * branch reads the row that holds the key; it reads the statement's snapshot, in which the
 * rows just purged still show, hence the TTL test on created_at there too. A holder that
 * committed after that snapshot is invisible to it: then no row comes back and the caller asks
 * again (a new statement, a new snapshot).
 */
const CLAIM_KEY = statement(
  'idempotency-keys.claim',
  `WITH purged AS (
  DELETE FROM idempotency_keys WHERE created_at <= now() - make_interval(secs => $4)
  RETURNING 1
),
claimed AS (
  INSERT INTO idempotency_keys (account_id, key, fingerprint, claim)
  SELECT $1::uuid, $2::text, $3::text, $5::uuid FROM (SELECT count(*) FROM purged) AS after_purge
  ON CONFLICT (account_id, key) DO UPDATE SET claim = EXCLUDED.claim, claimed_at = now()
   WHERE idempotency_keys.response IS NULL
     AND idempotency_keys.fingerprint = EXCLUDED.fingerprint
     AND idempotency_keys.claimed_at <= now() - make_interval(secs => $6::double precision / 1000)
  RETURNING fingerprint
)
SELECT true AS claimed, fingerprint, NULL::jsonb AS response FROM claimed
UNION ALL
SELECT false, k.fingerprint, k.response FROM idempotency_keys AS k
 WHERE k.account_id = $1 AND k.key = $2
   AND k.created_at > now() - make_interval(secs => $4)
   AND NOT EXISTS (SELECT 1 FROM claimed)`,
);
const COMPLETE_KEY = statement(
  'idempotency-keys.complete',
  `UPDATE idempotency_keys SET response = $4::jsonb
    WHERE account_id = $1 AND key = $2 AND claim = $3 AND response IS NULL`,
);
const RELEASE_KEY = statement(
  'idempotency-keys.release',
  `DELETE FROM idempotency_keys
    WHERE account_id = $1 AND key = $2 AND claim = $3 AND response IS NULL`,
);

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

const messageOf = (m: Message): Message => ({
  id: m.id,
  conversationId: m.conversationId,
  seq: m.seq,
  role: m.role,
  text: m.text,
  createdAt: m.createdAt,
});

/** A key this caller claimed, and the token that says the claim is still its own. */
export interface HeldKey {
  readonly key: string;
  readonly claim: string;
}

/**
 * Where an Idempotency-Key stands for one account: `claimed` (this caller holds it, as `held`,
 * and does the work), `pending` (another request holds it and has not answered yet) or `done`
 * (the first answer, to replay). `fingerprint` is the request the key was first used for.
 */
export type IdempotencyClaim =
  | { readonly state: 'claimed'; readonly held: HeldKey }
  | { readonly state: 'pending'; readonly fingerprint: string }
  | { readonly state: 'done'; readonly fingerprint: string; readonly response: unknown };

/** What one message stores and answers: the user's message and the bot's reply. */
export interface Exchange {
  readonly conversationId: string;
  readonly botId: string;
  readonly message: Message;
  readonly reply: Message;
}

export interface ExchangeInput {
  readonly accountId: string;
  readonly botId: string;
  /**
   * The conversation to continue (the caller checked, before asking the bot, that the account
   * owns it and that it is `botId`'s; the statement checks both again). Unset: a new one.
   */
  readonly conversationId?: string | undefined;
  readonly text: string;
  readonly replyText: string;
  /**
   * The Idempotency-Key this caller claimed: the exchange is stored as its answer, and only
   * while the claim is still this caller's (else IdempotencyClaimLostError, nothing stored).
   */
  readonly idempotencyKey?: HeldKey | undefined;
}

/**
 * The claim under which an exchange was to be stored was taken over (its lease ran out before
 * the answer was ready): nothing was stored, and the request that took it over answers the key.
 */
export class IdempotencyClaimLostError extends Error {
  constructor(readonly key: string) {
    super(`the claim on Idempotency-Key ${JSON.stringify(key)} was taken over`);
    this.name = 'IdempotencyClaimLostError';
  }
}

export interface IdempotencyKeyInput {
  readonly accountId: string;
  readonly key: string;
  readonly fingerprint: string;
  /** Keys older than this count as never used (IDEMPOTENCY_TTL_SECONDS). */
  readonly ttlSeconds: number;
  /** An unanswered claim older than this may be taken over (IDEMPOTENCY_LEASE_MS). */
  readonly leaseMs: number;
}

export class ConversationsRepository {
  constructor(private readonly db: Queryable) {}

  async create(input: { accountId: string; botId: string; id?: string }): Promise<Conversation> {
    const { rows } = await this.db.query<ConversationRow>(
      CREATE([input.id ?? uuidv7(), input.accountId, input.botId]),
    );
    return toConversation(rows[0]!);
  }

  /** The conversation if it exists and belongs to `accountId`; another's is simply absent. */
  async findOwned(accountId: string, id: string): Promise<Conversation | undefined> {
    const { rows } = await this.db.query<ConversationRow>(FIND_OWNED([id, accountId]));
    return rows[0] ? toConversation(rows[0]) : undefined;
  }

  /** Newest first. */
  async listOwned(accountId: string, page: PageRequest): Promise<Page<Conversation>> {
    const before =
      page.cursor === undefined ? null : String(decodePositionCursor(page.cursor, 'position'));
    const { rows } = await this.db.query<ConversationRow>(
      LIST_OWNED([accountId, before, page.limit + 1]),
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
    const ids = messages.map(() => uuidv7());
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

  /**
   * Stores a message and the bot's reply, in a new conversation or at the end of an existing
   * one, and the answer under `idempotencyKey` when given: one statement, one round trip (see
   * STORE_EXCHANGE_NEW). Call it outside a transaction; it commits on its own. Throws when the
   * conversation to continue is gone or not the account's and the bot's, and
   * IdempotencyClaimLostError when the key's claim is no longer this caller's: nothing is stored.
   */
  async storeExchange(input: ExchangeInput): Promise<Exchange> {
    const { conversationId, accountId, botId } = input;
    const store = conversationId === undefined ? STORE_EXCHANGE_NEW : STORE_EXCHANGE_CONTINUED;
    const { rows } = await this.db.query<{ body: Exchange | null; held: boolean }>(
      store([
        conversationId ?? uuidv7(),
        accountId,
        botId,
        uuidv7(),
        input.text,
        uuidv7(),
        input.replyText,
        input.idempotencyKey?.key ?? null,
        input.idempotencyKey?.claim ?? null,
      ]),
    );
    if (input.idempotencyKey && rows[0]?.held === false) {
      throw new IdempotencyClaimLostError(input.idempotencyKey.key);
    }
    const body = rows[0]?.body;
    if (!body) throw new Error(`conversation ${conversationId} does not exist`);
    // The JSON's keys in the API's order (jsonb keeps its own); the values are the stored ones.
    return {
      conversationId: body.conversationId,
      botId: body.botId,
      message: messageOf(body.message),
      reply: messageOf(body.reply),
    };
  }

  /** Oldest first, `limit` at a time. */
  async listMessages(conversationId: string, page: PageRequest): Promise<Page<Message>> {
    const after = page.cursor === undefined ? 0 : decodePositionCursor(page.cursor, 'seq');
    const { rows } = await this.db.query<MessageRow>(
      LIST_MESSAGES([conversationId, after, page.limit + 1]),
    );
    const more = rows.length > page.limit;
    const items = rows.slice(0, page.limit).map(toMessage);
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor({ seq: last.seq }) : null };
  }

  /**
   * Claims `key` for `accountId`, or says who has it: usually one statement (CLAIM_KEY), which
   * commits on its own (call it outside a transaction), so a concurrent request with the same
   * key sees the claim at once; the primary key decides which of two concurrent INSERTs wins.
   * Every key older than `ttlSeconds`, of any account, is deleted first (the created_at index
   * finds them, each row is deleted once): an expired key is free again and the table holds one
   * TTL's keys. A claim of the same request left unanswered for `leaseMs` is taken over.
   */
  async claimIdempotencyKey(input: IdempotencyKeyInput): Promise<IdempotencyClaim> {
    const { accountId, key, fingerprint, ttlSeconds, leaseMs } = input;
    const claim = randomUUID();
    // Twice at most: the first statement's snapshot may miss a holder that committed while it
    // waited on the key, or a holder may have failed and freed the key in between (see CLAIM_KEY).
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const { rows } = await this.db.query<{
        claimed: boolean;
        fingerprint: string;
        response: unknown;
      }>(CLAIM_KEY([accountId, key, fingerprint, ttlSeconds, claim, leaseMs]));
      const row = rows[0];
      if (!row) continue;
      if (row.claimed) return { state: 'claimed', held: { key, claim } };
      return row.response === null
        ? { state: 'pending', fingerprint: row.fingerprint }
        : { state: 'done', fingerprint: row.fingerprint, response: row.response };
    }
    return { state: 'pending', fingerprint };
  }

  /**
   * Stores the answer of a key this caller still holds; false when the claim was taken over.
   * (storeExchange stores the answer itself, with the messages.)
   */
  async completeIdempotencyKey(
    accountId: string,
    held: HeldKey,
    response: unknown,
  ): Promise<boolean> {
    const { rowCount } = await this.db.query(
      COMPLETE_KEY([accountId, held.key, held.claim, JSON.stringify(response)]),
    );
    return rowCount === 1;
  }

  /**
   * Frees a claimed key whose request failed (nothing was stored), so a retry runs anew; a
   * claim taken over meanwhile is the new holder's and stays.
   */
  async releaseIdempotencyKey(accountId: string, held: HeldKey): Promise<void> {
    await this.db.query(RELEASE_KEY([accountId, held.key, held.claim]));
  }
}
