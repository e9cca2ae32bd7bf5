import closeWithGrace from 'close-with-grace';
import {
  configOrExit,
  describeDatabase,
  exitWith,
  isClusterPrimary,
  isClusterWorker,
  logIdlePoolError,
  pgliteDataDir,
  runPrimary,
  shutdownBudgetMs,
  type Config,
} from '@switchyard/runtime';
import { openDatabase, type Database } from '@switchyard/persistence';
import { activeTracing } from '@switchyard/runtime/tracing';
import type { RunningServer } from './server.js';

/**
 * A process's main: config from the environment (exit 1 naming what is wrong), the database,
 * the server, and the shutdown. Shared by fastify-api's and bridge-api's main.ts.
 */
export async function runMain(
  name: string,
  start: (options: { config: Config; db: Database }) => Promise<RunningServer>,
): Promise<void> {
  // `.env` (the environment wins over it), then the config: a bad setting is one line and exit 1.
  const config = configOrExit(name);
  // WEB_CONCURRENCY > 1: this process forks the workers, which run this function again, and
  // supervises them; it opens no database and does not listen.
  if (isClusterPrimary(config)) process.exit(await runPrimary({ name, config }));

  // The app's logger exists once the app does: a pool error before that waits for it. At most
  // one per pooled connection can fail while the app starts; keep a few and count the rest.
  const EARLY_KEPT = 10;
  const early: Error[] = [];
  let earlyDropped = 0;
  let onPoolError = (error: Error): void => {
    if (early.length < EARLY_KEPT) early.push(error);
    else earlyDropped += 1;
  };
  // Without DATABASE_URL, PGlite on disk in .data/<app> unless PGLITE_DATA_DIR says otherwise.
  // A start-up failure (database unreachable, port in use) is one line naming the setting, exit 1.
  const dataDir = config.DATABASE_URL ? undefined : pgliteDataDir(config, name);
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir,
    poolSize: config.DB_POOL_SIZE,
    pgliteSharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB,
    pgliteThread: config.PGLITE_THREAD,
    onPoolError: (error) => onPoolError(error),
  }).catch((error: unknown) => exitWith(name, error, 'database', config));
  const running = await start({ config, db }).catch(async (error: unknown) => {
    await db.close();
    return exitWith(name, error, 'listen', config);
  });
  const log = running.app.log;
  log.info({ database: db.kind, dataDir }, describeDatabase(config, dataDir));
  onPoolError = (error) => logIdlePoolError(log, error);
  for (const error of early.splice(0)) onPoolError(error);
  if (earlyDropped > 0)
    log.warn({ count: earlyDropped }, 'More idle database connections failed while starting');

  // SIGINT, SIGTERM, or a crash: stop taking requests, let the open ones finish (the server's
  // own SHUTDOWN_TIMEOUT_MS), then close the database. close-with-grace exits hard if that
  // hangs; a second signal exits at once, except in a cluster worker (see isClusterWorker).
  const worker = isClusterWorker();
  let signalled: NodeJS.Signals | undefined;
  const grace = closeWithGrace(
    {
      delay: shutdownBudgetMs(config),
      logger: { error: (message) => log.error(message) },
      skip: worker ? ['SIGINT', 'SIGTERM'] : [],
    },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'shutting down after an error');
      else log.info({ signal: signal ?? signalled }, 'shutting down');
      await running.close();
      await db.close();
      // The spans still buffered (tracing started by the app's src/instrument.ts).
      await activeTracing()?.shutdown();
    },
  );
  if (worker) {
    for (const event of ['SIGINT', 'SIGTERM'] as const) {
      process.on(event, (signal) => {
        if (signalled) return;
        signalled = signal;
        void grace.close();
      });
    }
  }
}
