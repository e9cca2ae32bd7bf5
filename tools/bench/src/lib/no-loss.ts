// "Nothing acknowledged is lost": after a load run, read the app's database directly and hold
// every message the app answered 201 for against what is stored (libs/persistence/migrations/002).
import pg from 'pg';
import type { Acknowledged } from './mixed-load.js';

export interface NoLossInput {
  readonly acknowledged: readonly Acknowledged[];
  /** Texts answered with another status: they may be stored or not, never twice. */
  readonly refused: readonly string[];
  /** Texts never answered (timeout, lost connection, in flight at the end): the same. */
  readonly unanswered: readonly string[];
}

export interface NoLossReport {
  /** Acknowledged messages looked up. */
  readonly checked: number;
  /** Acknowledged, and not stored as a user message with the id the app returned. */
  readonly lost: number;
  /** Acknowledged, but the reply the app returned is not stored in the same conversation. */
  readonly repliesLost: number;
  /** Texts stored as user messages more than once. */
  readonly duplicated: number;
  /** User messages stored whose text this run never sent. */
  readonly unknown: number;
  /** Of the unanswered texts, how many were stored after all (allowed, reported apart). */
  readonly unansweredStored: number;
  readonly unansweredChecked: number;
  /** Of the refused texts, how many were stored (a 4xx/5xx after the write: a finding). */
  readonly refusedStored: number;
  /** Conversations whose message_count or seq numbers disagree with their messages. */
  readonly inconsistentConversations: number;
  /** Up to 20 examples of the problems above, for the report. */
  readonly examples: readonly string[];
}

interface Row {
  id: string;
  conversation_id: string;
  role: 'user' | 'bot';
  text: string;
}

export async function checkNoLoss(databaseUrl: string, input: NoLossInput): Promise<NoLossReport> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<Row>(
      'SELECT id, conversation_id, role, text FROM messages',
    );
    const { rows: bad } = await client.query<{ id: string }>(
      `SELECT c.id FROM conversations c
         LEFT JOIN messages m ON m.conversation_id = c.id
        GROUP BY c.id, c.message_count
       HAVING c.message_count <> count(m.id)
           OR count(m.id) <> count(DISTINCT m.seq)
           OR coalesce(max(m.seq), 0) <> count(m.id)`,
    );
    return compare(rows, bad.length, input);
  } finally {
    await client.end();
  }
}

function compare(rows: readonly Row[], inconsistent: number, input: NoLossInput): NoLossReport {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const userByText = new Map<string, Row[]>();
  for (const row of rows) {
    if (row.role !== 'user') continue;
    const list = userByText.get(row.text);
    if (list) list.push(row);
    else userByText.set(row.text, [row]);
  }
  const examples: string[] = [];
  const example = (line: string) => {
    if (examples.length < 20) examples.push(line);
  };

  let lost = 0;
  let repliesLost = 0;
  for (const ack of input.acknowledged) {
    const stored = userByText.get(ack.text) ?? [];
    if (!stored.some((r) => r.id === ack.messageId && r.conversation_id === ack.conversationId)) {
      lost++;
      example(`lost: "${ack.text}" (message ${ack.messageId}), stored ${stored.length} time(s)`);
    }
    const reply = byId.get(ack.replyId);
    if (!reply || reply.role !== 'bot' || reply.conversation_id !== ack.conversationId) {
      repliesLost++;
      example(`reply lost: ${ack.replyId} for "${ack.text}"`);
    }
  }

  const sent = new Set([
    ...input.acknowledged.map((a) => a.text),
    ...input.refused,
    ...input.unanswered,
  ]);
  let duplicated = 0;
  let unknown = 0;
  for (const [text, list] of userByText) {
    if (list.length > 1) {
      duplicated++;
      example(`duplicated: "${text}" stored ${list.length} times`);
    }
    if (!sent.has(text)) {
      unknown++;
      example(`unknown: "${text}" stored but never sent`);
    }
  }
  const storedCount = (texts: readonly string[]) => texts.filter((t) => userByText.has(t)).length;
  const refusedStored = storedCount(input.refused);
  if (refusedStored) example(`${refusedStored} refused message(s) stored anyway`);
  return {
    checked: input.acknowledged.length,
    lost,
    repliesLost,
    duplicated,
    unknown,
    unansweredStored: storedCount(input.unanswered),
    unansweredChecked: input.unanswered.length,
    refusedStored,
    inconsistentConversations: inconsistent,
    examples,
  };
}
