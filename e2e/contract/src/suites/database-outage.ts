import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import { envelope } from '@switchyard/api-spec';
import { openDatabase, type Database } from '@switchyard/persistence';
import {
  createServerDatabase,
  databaseTargets,
  type ServerDatabase,
} from '@switchyard/persistence/testing';
import {
  startUpstream,
  type RunningUpstream,
  freePort,
  contractConfig,
  type AppUnderTest,
  type StartedApp,
  openTcpGate,
} from '@switchyard/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCredentials, failOnInternalErrors } from '../support.js';
import { reportCases } from './report.js';

/** Clients that keep posting messages, one after another each, through the whole run. */
const WRITERS = 6;
const BEFORE_MS = 1_000;
const OUTAGE_MS = 2_500;
/** After the restore: how long the app has to serve again without a restart. */
const RECOVERY_MS = 5_000;
/** No answer may take longer: the pool's connect timeout is 3 s. */
const ANSWER_WITHIN_MS = 5_000;

interface Outcome {
  readonly text: string;
  readonly began: number;
  readonly ended: number;
  readonly status: number;
  readonly body: unknown;
}

async function post(url: string, token: string, text: string): Promise<Outcome> {
  const began = performance.now();
  const res = await fetch(`${url}/v1/bots/echo/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
    signal: AbortSignal.timeout(ANSWER_WITHIN_MS * 2),
  });
  const body: unknown = await res.json();
  return { text, began, ended: performance.now(), status: res.status, body };
}

async function ready(url: string): Promise<Outcome> {
  const began = performance.now();
  const res = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(ANSWER_WITHIN_MS * 2) });
  const body: unknown = await res.json();
  return { text: '', began, ended: performance.now(), status: res.status, body };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const run = promisify(execFile);

/** How the database goes away and comes back; `url` is what the app connects to. */
interface Outage {
  readonly url: string;
  readonly kind: string;
  begin(): Promise<void>;
  end(): Promise<void>;
  close(): Promise<void>;
}

/** The default: a TCP gate in front of the shared server, which itself keeps running. */
async function gateOutage(databaseUrl: string): Promise<Outage> {
  const direct = new URL(databaseUrl);
  const gate = await openTcpGate({ host: direct.hostname, port: Number(direct.port || 5432) });
  const gated = new URL(databaseUrl);
  gated.hostname = '127.0.0.1';
  gated.port = String(gate.port);
  return {
    url: gated.toString(),
    kind: 'a TCP gate cut in front of the server',
    async begin() {
      await gate.refuse();
      // What a server shutdown does to its sessions, then the rest of the wire goes too.
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
      );
      await admin.end();
      await gate.cut();
    },
    end: () => gate.restore(),
    close: () => gate.close(),
  };
}

/**
 * SWITCHYARD_OUTAGE=server: the local PostgreSQL cluster itself is stopped (`pg_ctlcluster …
 * stop -m fast`) and started again. Never in CI, where other suites share that server; run by
 * hand, alone, to check that the gate tells the truth (docs/reliability.md).
 */
async function serverOutage(databaseUrl: string): Promise<Outage> {
  const version = (await readdir('/etc/postgresql'))[0];
  if (!version) throw new Error('SWITCHYARD_OUTAGE=server needs a Debian PostgreSQL cluster');
  const ctl = (action: string, ...extra: string[]) =>
    run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action, ...extra]);
  return {
    url: databaseUrl,
    kind: `the PostgreSQL ${version} server stopped and started`,
    begin: () => ctl('stop', '-m', 'fast').then(() => undefined),
    async end() {
      await ctl('start');
      await run('pg_isready', ['-q', '-t', '30', '-h', '127.0.0.1']);
    },
    close: async () => undefined,
  };
}

/**
 * The database goes away under load and comes back. By default the app reaches PostgreSQL
 * through a TCP gate (tcp-gate.ts); the outage stops the gate accepting connections, ends the
 * app's sessions the way a server shutdown does (pg_terminate_backend: FATAL 57P01
 * admin_shutdown), and resets whatever is left (SWITCHYARD_OUTAGE=server stops the real server). While it lasts, `/ready` must answer 503 SWY_ERR_NOT_READY and every
 * request that needs the database a 503 SWY_ERR_DATABASE_UNAVAILABLE, promptly; after the
 * restore the app must serve again without a restart. Then nothing acknowledged may be lost:
 * every message that got a 201 is in the database exactly once, read directly from the server.
 *
 * By default the shared server itself is not stopped: other suites use it at the same time in CI. PGlite
 * is embedded in the app's process and cannot go away on its own, so only the server runs this.
 */
export async function runDatabaseOutageSuite(subject: AppUnderTest): Promise<void> {
  const target = (await databaseTargets()).find((t) => t.kind === 'postgres')!;
  if (!target.skipReason) reportCases('database outage', subject.name, 2);
  describe(`${subject.name} when PostgreSQL goes away under load`, () => {
    // A case during which the app logs SWY_ERR_INTERNAL fails (support.ts).
    const guarded = failOnInternalErrors(subject);
    if (target.skipReason) {
      it.skip(`(skipped: ${target.skipReason})`, () => {});
      return;
    }
    let upstream: RunningUpstream;
    let server: ServerDatabase;
    let outage: Outage;
    let db: Database;
    let app: StartedApp;
    const tokens: string[] = [];
    const outcomes: Outcome[] = [];
    const readiness: Outcome[] = [];
    /** When the database was fully gone, when it began to come back, and when it was back. */
    let downAt = 0;
    let backingAt = 0;
    let restoredAt = 0;

    beforeAll(async () => {
      upstream = await startUpstream();
      server = await createServerDatabase();
      outage =
        process.env['SWITCHYARD_OUTAGE'] === 'server'
          ? await serverOutage(server.url)
          : await gateOutage(server.url);
      db = await openDatabase({ url: outage.url });
      app = await guarded.start({ config: contractConfig(upstream, {}, await freePort()), db });
      for (let i = 0; i < WRITERS; i += 1) {
        const credentials = buildCredentials();
        await fetch(`${app.url}/v1/accounts`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(credentials),
        });
        const session = await fetch(`${app.url}/v1/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(credentials),
        });
        tokens.push(((await session.json()) as { token: string }).token);
      }
    });
    afterAll(async () => {
      await app?.close();
      await db?.close();
      await outage?.close();
      await server?.drop();
      await upstream?.close();
    });

    it(
      'answers 503 while the database is away and serves again once it is back',
      async () => {
        const runUntil = { stop: false };
        const writers = tokens.map(async (token, w) => {
          for (let n = 0; !runUntil.stop; n += 1) {
            outcomes.push(await post(app.url, token, `outage ${subject.name} w${w} n${n}`));
          }
        });
        const poller = (async () => {
          while (!runUntil.stop) {
            readiness.push(await ready(app.url));
            await sleep(50);
          }
        })();

        await sleep(BEFORE_MS);
        await outage.begin();
        downAt = performance.now();
        await sleep(OUTAGE_MS);
        backingAt = performance.now();
        await outage.end();
        restoredAt = performance.now();

        // Every writer must get a 201 again, within RECOVERY_MS, with no restart.
        const recovered = () =>
          tokens.every((_, w) =>
            outcomes.some(
              (o) => o.began > restoredAt && o.status === 201 && o.text.includes(` w${w} `),
            ),
          ) && readiness.some((r) => r.began > restoredAt && r.status === 200);
        while (!recovered() && performance.now() - restoredAt < RECOVERY_MS) await sleep(100);
        runUntil.stop = true;
        await Promise.all([...writers, poller]);

        // Sent once the database was gone and answered before it began to come back.
        const during = (o: Outcome) => o.began > downAt && o.ended < backingAt;
        const failed = outcomes.filter((o) => o.status !== 201);
        console.log(
          `database outage (${outage.kind}): ${subject.name}: ${outcomes.length} messages sent, ` +
            `${outcomes.length - failed.length} acknowledged, ${failed.length} refused with 503; ` +
            `${readiness.length} readiness checks`,
        );

        expect(recovered(), 'serves again within 5 s of the restore').toBe(true);
        // The outage was felt, and only as the documented 503s.
        expect(failed.length).toBeGreaterThan(0);
        for (const o of failed) {
          expect({ status: o.status, body: o.body }).toEqual({
            status: 503,
            body: envelope('SWY_ERR_DATABASE_UNAVAILABLE'),
          });
        }
        expect(outcomes.filter(during).every((o) => o.status === 503)).toBe(true);
        const readyDuring = readiness.filter(during);
        expect(readyDuring.length).toBeGreaterThan(0);
        for (const r of readyDuring) {
          expect({ status: r.status, body: r.body }).toEqual({
            status: 503,
            body: envelope('SWY_ERR_NOT_READY'),
          });
        }
        // Promptly: nobody waits on a database that is not there.
        const slowest = Math.max(...outcomes.map((o) => o.ended - o.began));
        expect(slowest).toBeLessThan(ANSWER_WITHIN_MS);
      },
      OUTAGE_MS + BEFORE_MS + RECOVERY_MS + 3 * ANSWER_WITHIN_MS,
    );

    it('lost nothing it acknowledged, and stored nothing twice', async () => {
      const acknowledged = outcomes.filter((o) => o.status === 201).map((o) => o.text);
      expect(acknowledged.length).toBeGreaterThan(0);
      // Straight from the server, not through the app or the gate.
      const direct = new pg.Client({ connectionString: server.url });
      await direct.connect();
      let stored: Map<string, number>;
      try {
        const { rows } = await direct.query<{ text: string; copies: string }>(
          "SELECT text, count(*) AS copies FROM messages WHERE role = 'user' GROUP BY text",
        );
        stored = new Map(rows.map((r) => [r.text, Number(r.copies)]));
      } finally {
        await direct.end();
      }
      const missing = acknowledged.filter((text) => !stored.has(text));
      const twice = [...stored].filter(([, copies]) => copies > 1).map(([text]) => text);
      // A 503 whose transaction had committed before the wire went: stored, though refused.
      const refusedButStored = outcomes.filter((o) => o.status !== 201 && stored.has(o.text));
      console.log(
        `no loss: ${subject.name}: ${acknowledged.length} acknowledged messages checked; ` +
          `${missing.length} missing, ${twice.length} stored twice, ` +
          `${refusedButStored.length} refused but stored`,
      );
      expect(missing).toEqual([]);
      expect(twice).toEqual([]);
    });
  });
}
