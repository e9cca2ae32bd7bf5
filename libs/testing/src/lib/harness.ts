import { startUpstream, type RunningUpstream } from '../upstream/index.js';
import { freePort } from './free-port.js';
import { loadConfig, type Config } from '@switchyard/runtime';
import { type Database } from '@switchyard/persistence';
import type { DatabaseTarget } from '@switchyard/persistence/testing';

/** What every app offers the contract: start on the given config and database, then close. */
export interface StartedApp {
  readonly url: string;
  /** Stops the server; must not close the database it was given. */
  close(): Promise<void>;
}

export interface AppUnderTest {
  /** Shown in test names, e.g. `express-api`. */
  readonly name: string;
  start(options: { config: Config; db: Database }): Promise<StartedApp>;
}

export const BODY_LIMIT_BYTES = 16_384;
/**
 * The proxy's deadline in the contract config. It must stay above what a loaded CI machine takes
 * to answer from the in-process stand-in (600 ms was exceeded on a clean CI machine running three
 * Node versions at once) and below the stand-in's `/delay/3000` that the 504 case asks for.
 */
export const PROXY_TIMEOUT_MS = 2_000;
export const SECRET_API_KEY = 'contract-secret-key';
/** The path prefixes contractConfig opens on its `httpbin` service. */
export const HTTPBIN_PATHS = [
  '/get',
  '/status',
  '/delay',
  '/redirect-to',
  '/bytes',
  '/gzip',
  '/anything/',
];

export interface Environment {
  readonly app: StartedApp;
  readonly db: Database;
  readonly upstream: RunningUpstream;
  readonly config: Config;
  close(): Promise<void>;
}

export function contractConfig(
  upstream: RunningUpstream,
  overrides: Record<string, string> = {},
  downPort = 9,
): Config {
  return loadConfig({
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'silent',
    MODEL_URL: upstream.url,
    KNOWLEDGE_URL: upstream.url,
    ENSEMBLE_SOURCES: '5',
    UPSTREAM_TIMEOUT_MS: '2000',
    FANOUT_CONCURRENCY: '5',
    BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES),
    PROXY_TIMEOUT_MS: String(PROXY_TIMEOUT_MS),
    SHUTDOWN_TIMEOUT_MS: '2000',
    // The suites sign up and log in far more often than a person; the rate-limit suite sets its own.
    RATE_LIMIT_MAX: '1000000',
    // Likewise the per-account budgets: the route-limits suite sets its own.
    MESSAGE_RATE_MAX: '1000000',
    PROXY_RATE_MAX: '1000000',
    PROXY_SERVICES: JSON.stringify({
      // The test config proxies to the stand-in that serves the bots, so that the suites can
      // see what arrived; its paths keep `/__requests`, `/model` and `/sources` out of reach.
      httpbin: {
        url: upstream.url,
        headers: { 'x-api-key': SECRET_API_KEY },
        paths: HTTPBIN_PATHS,
      },
      nested: { url: `${upstream.url}/anything/base`, paths: ['/'] },
      getonly: { url: upstream.url, methods: ['GET'], paths: ['/get'] },
      down: { url: `http://127.0.0.1:${downPort}`, paths: ['/'] },
    }),
    ...overrides,
  });
}

/** Upstream stand-in, a fresh database of the target's kind, and the app on both. */
export async function startEnvironment(
  subject: AppUnderTest,
  target: DatabaseTarget,
  options: {
    latencyMs?: number;
    overrides?: (upstream: RunningUpstream, downPort: number) => Record<string, string>;
  } = {},
): Promise<Environment> {
  const upstream = await startUpstream({ latencyMs: options.latencyMs ?? 0, chunkDelayMs: 1 });
  const downPort = await freePort();
  const db = await target.open();
  const config = contractConfig(upstream, options.overrides?.(upstream, downPort) ?? {}, downPort);
  let app: StartedApp;
  try {
    app = await subject.start({ config, db });
  } catch (error) {
    await db.close();
    await upstream.close();
    throw error;
  }
  return {
    app,
    db,
    upstream,
    config,
    async close() {
      await app.close();
      // A test may have closed the database already to simulate an outage.
      await db.close().catch(() => undefined);
      await upstream.close();
    },
  };
}
