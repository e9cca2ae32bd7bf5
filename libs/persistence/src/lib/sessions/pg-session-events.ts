import type pg from 'pg';
import type { Database } from '../db/database.js';
import {
  parseEvent,
  publishChunks,
  type EventsLogger,
  type SessionEvent,
  type SessionEvents,
} from './session-events.js';

/** The NOTIFY channel; a channel belongs to one database, so each deployment has its own. */
export const SESSION_CHANNEL = 'switchyard_sessions';

/** The listener's application_name in pg_stat_activity. */
export const SESSION_LISTENER_NAME = 'switchyard-session-events';

export interface PgSessionEventsOptions {
  readonly log: EventsLogger;
  /** Wait before connecting the listener again after it failed. Default 1 s. */
  readonly reconnectMs?: number;
  /**
   * How often the listener's connection is checked with `SELECT 1` (and how long the check may
   * take): a connection that died without a word (a network partition) would otherwise look
   * live while every NOTIFY is lost. Default 5 s.
   */
  readonly heartbeatMs?: number;
}

/**
 * Revocations through PostgreSQL LISTEN/NOTIFY, for the server without Redis: one dedicated
 * connection per process listens (outside the pool: a pooled client is handed to other queries),
 * and a revocation is a `pg_notify` on the pool. PostgreSQL delivers a notification to every
 * listener of the database, the sender's too, within milliseconds of the sending statement.
 */
export function pgSessionEvents(db: Database, options: PgSessionEventsOptions): SessionEvents {
  const open = db.dedicatedClient;
  if (!open) throw new Error('pgSessionEvents needs the PostgreSQL server (DATABASE_URL)');
  const { log, reconnectMs = 1_000, heartbeatMs = 5_000 } = options;
  let listener: (event: SessionEvent) => void = () => undefined;
  // The listening connection, or the one being connected: events of any older one are ignored.
  let client: pg.Client | undefined;
  let live = false;
  let closed = false;
  // Logged once per outage: on the first failure, and again when it is over.
  let failing = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  let heartbeat: ReturnType<typeof setInterval> | undefined;

  function failed(error: Error | undefined): void {
    if (closed) return;
    const wasLive = live;
    live = false;
    clearInterval(heartbeat);
    const lost = client;
    client = undefined;
    // Ended in the background: nobody waits for a connection that is being thrown away.
    void lost?.end().catch(() => undefined);
    if (!failing) {
      failing = true;
      log.warn(
        { sessionEvents: { transport: 'postgres', message: error?.message ?? 'connection ended' } },
        'Session events (LISTEN) are down: every request looks its session up in the database until they are back',
      );
    }
    // Revocations sent while nobody listened are lost: whatever the cache holds may be stale.
    if (wasLive) listener({ kind: 'reset' });
    retry ??= setTimeout(() => {
      retry = undefined;
      // connect() never rejects: its failures come back here.
      void connect();
    }, reconnectMs);
    retry.unref();
  }

  async function connect(): Promise<void> {
    if (closed) return;
    const candidate = open!({
      queryTimeoutMs: heartbeatMs,
      applicationName: SESSION_LISTENER_NAME,
    });
    client = candidate;
    let settled = false;
    const onFailure = (error?: Error) => {
      // A failure during connect is handled by the catch below; later ones by failed().
      if (settled && client === candidate) failed(error);
    };
    candidate.on('error', onFailure);
    candidate.on('end', () => onFailure(undefined));
    candidate.on('notification', (message) => {
      if (message.channel === SESSION_CHANNEL && message.payload !== undefined) {
        listener(parseEvent(message.payload));
      }
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${SESSION_CHANNEL}`);
    } catch (error) {
      settled = true;
      if (client === candidate) failed(error as Error);
      // Superseded (close() or a newer attempt): ended in the background, nobody waits.
      else void candidate.end().catch(() => undefined);
      return;
    }
    settled = true;
    if (closed || client !== candidate) {
      await candidate.end().catch(() => undefined);
      return;
    }
    live = true;
    if (failing) {
      failing = false;
      log.info({ sessionEvents: { transport: 'postgres' } }, 'Session events (LISTEN) are back');
    }
    // Anything cached before this moment may predate a revocation nobody heard.
    listener({ kind: 'reset' });
    heartbeat = setInterval(() => {
      candidate.query('SELECT 1').catch((error: Error) => {
        if (client === candidate) failed(error);
      });
    }, heartbeatMs);
    heartbeat.unref();
  }

  const first = connect();

  return {
    transport: 'postgres',
    get live() {
      return live;
    },
    async publish(revocation) {
      if (closed) return;
      await publishChunks(
        revocation,
        (message) => db.query('SELECT pg_notify($1, $2)', [SESSION_CHANNEL, message]),
        log,
        'postgres',
      );
    },
    onEvent(next) {
      listener = next;
    },
    ready: () => first,
    async close() {
      if (closed) return;
      closed = true;
      live = false;
      clearTimeout(retry);
      clearInterval(heartbeat);
      await first;
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
