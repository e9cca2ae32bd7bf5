// A bounded load through the balancer for the failover cases: `connections` clients, each its
// own account on a kept-alive connection, alternating a posted message (with an Idempotency-Key,
// retried with the same key when it fails) and GET /v1/bots; one event (a signal to an instance)
// happens in the middle. Everything is counted; the cases decide what must hold.
import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import pg from 'pg';
import { IDEMPOTENCY_LEASE_MS } from './support.js';

export interface Client {
  readonly token: string;
}

export interface FailoverLoad {
  /** Requests sent, first attempts only. */
  readonly sent: number;
  /** First attempts that failed: a status other than 2xx, or a socket error, by what. */
  readonly errors: Record<string, number>;
  readonly errorCount: number;
  /** The client's requests in flight at the event (an upper bound on those on the instance). */
  readonly inFlightAtEvent: number;
  /** Messages answered 2xx, first time or on a retry with the same key. */
  readonly acknowledged: ReadonlyArray<{ readonly id: string; readonly text: string }>;
  /** Failed posts that a retry with the same key got answered. */
  readonly recovered: number;
  /**
   * Keys still refused 409 SWY_ERR_IDEMPOTENCY_KEY_IN_USE when the retries ran out (a claim
   * that outlived the lease would be taken over before that).
   */
  readonly stuckKeys: number;
  /** Posts never answered 2xx, stuck keys included: their texts may be stored or not. */
  readonly unanswered: readonly string[];
  /** Every text posted. */
  readonly texts: readonly string[];
  /** Responses by the instance HAProxy says served them (X-Served-By). */
  readonly servedBy: Record<string, number>;
}

interface Answer {
  readonly status: number;
  readonly servedBy: string | undefined;
  readonly body: string;
}

/** Bytes of an answer kept: a posted message's answer is under 1 KB. */
const MAX_BODY = 64 * 1024;
/**
 * Retries of one failed post with its key, 250 ms apart, and the time they may take: past the
 * instances' IDEMPOTENCY_LEASE_MS, so that a key the killed instance had claimed is taken over.
 */
const RETRY_PAUSE_MS = 250;
const RETRY_WINDOW_MS = IDEMPOTENCY_LEASE_MS + 4_000;
const RETRIES = Math.ceil(RETRY_WINDOW_MS / RETRY_PAUSE_MS);

function send(
  agent: Agent,
  url: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      { method: body ? 'POST' : 'GET', agent, headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (text.length < MAX_BODY) text += chunk;
        });
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            servedBy: res.headers['x-served-by'] as string | undefined,
            body: text,
          }),
        );
        res.on('error', reject);
      },
    );
    req.setTimeout(10_000, () =>
      req.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })),
    );
    req.on('error', reject);
    req.end(body);
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runFailoverLoad(options: {
  readonly url: string;
  readonly clients: readonly Client[];
  readonly durationMs: number;
  readonly eventAtMs: number;
  readonly event: () => Promise<void>;
}): Promise<FailoverLoad> {
  const { url, clients } = options;
  const agent = new Agent({ keepAlive: true, maxSockets: clients.length });
  const errors: Record<string, number> = {};
  const servedBy: Record<string, number> = {};
  const acknowledged: Array<{ id: string; text: string }> = [];
  const unanswered: string[] = [];
  const texts: string[] = [];
  let sent = 0;
  let inFlight = 0;
  let inFlightAtEvent = -1;
  let recovered = 0;
  let stuckKeys = 0;
  const began = performance.now();
  const deadline = began + options.durationMs;

  const attempt = async (path: string, headers: Record<string, string>, body?: string) => {
    inFlight += 1;
    try {
      const answer = await send(agent, url, path, headers, body);
      if (answer.servedBy) servedBy[answer.servedBy] = (servedBy[answer.servedBy] ?? 0) + 1;
      return answer;
    } catch (error) {
      return {
        status: 0,
        servedBy: undefined,
        body: (error as NodeJS.ErrnoException).code ?? String(error),
      };
    } finally {
      inFlight -= 1;
    }
  };
  const failure = (a: Answer) => (a.status === 0 ? a.body : String(a.status));

  const worker = async (client: Client) => {
    const auth = { authorization: `Bearer ${client.token}` };
    for (let turn = 0; performance.now() < deadline; turn++) {
      sent += 1;
      if (turn % 2 === 1) {
        const light = await attempt('/v1/bots', auth);
        if (light.status !== 200)
          errors[`GET ${failure(light)}`] = (errors[`GET ${failure(light)}`] ?? 0) + 1;
        continue;
      }
      const text = `failover ${randomUUID()}`;
      texts.push(text);
      const headers = {
        ...auth,
        'content-type': 'application/json',
        'idempotency-key': randomUUID(),
      };
      const body = JSON.stringify({ text });
      let answer = await attempt('/v1/bots/echo/messages', headers, body);
      if (answer.status !== 201) {
        errors[`POST ${failure(answer)}`] = (errors[`POST ${failure(answer)}`] ?? 0) + 1;
        const retryUntil = performance.now() + RETRY_WINDOW_MS;
        for (
          let retry = 0;
          retry < RETRIES && answer.status !== 201 && performance.now() < retryUntil;
          retry++
        ) {
          await sleep(RETRY_PAUSE_MS);
          answer = await attempt('/v1/bots/echo/messages', headers, body);
        }
        if (answer.status === 201) recovered += 1;
        else if (answer.status === 409 && answer.body.includes('SWY_ERR_IDEMPOTENCY_KEY_IN_USE'))
          stuckKeys += 1;
      }
      if (answer.status === 201) {
        const parsed = JSON.parse(answer.body) as { message: { id: string; text: string } };
        acknowledged.push({ id: parsed.message.id, text: parsed.message.text });
      } else unanswered.push(text);
    }
  };

  const event = (async () => {
    await sleep(options.eventAtMs);
    inFlightAtEvent = inFlight;
    await options.event();
  })();
  await Promise.all([...clients.map(worker), event]);
  agent.destroy();
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    sent,
    errors,
    errorCount,
    inFlightAtEvent,
    acknowledged,
    recovered,
    stuckKeys,
    unanswered,
    texts,
    servedBy,
  };
}

export interface Stored {
  /** Acknowledged messages not stored as that id with that text. */
  readonly lost: number;
  /** Texts stored as a user message more than once. */
  readonly duplicated: number;
  /** User messages stored whose text was never sent. */
  readonly unknown: number;
}

/** The database after the load: every acknowledged message there once, no text twice. */
export async function checkStored(databaseUrl: string, load: FailoverLoad): Promise<Stored> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; text: string }>(
      `SELECT id, text FROM messages WHERE role = 'user' AND text LIKE 'failover %'`,
    );
    const byId = new Map(rows.map((r) => [r.id, r.text]));
    const perText = new Map<string, number>();
    for (const row of rows) perText.set(row.text, (perText.get(row.text) ?? 0) + 1);
    const sent = new Set(load.texts);
    return {
      lost: load.acknowledged.filter((a) => byId.get(a.id) !== a.text).length,
      duplicated: [...perText.values()].filter((n) => n > 1).length,
      unknown: rows.filter((r) => !sent.has(r.text)).length,
    };
  } finally {
    await client.end();
  }
}
