import {
  configOrExit,
  describeDatabase,
  exitWith,
  isClusterPrimary,
  isClusterWorker,
  leaveCluster,
  logIdlePoolError,
  pgliteDataDir,
  runPrimary,
  shutdownBudgetMs,
} from '@switchyard/runtime';
import { openDatabase } from '@switchyard/persistence';
import { activeTracing } from '@switchyard/runtime/tracing';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './server.js';

// `.env` (the environment wins over it), then the config: a bad setting is one line and exit 1.
const config = configOrExit('express-api');

const logger = createLogger(config);

// WEB_CONCURRENCY > 1: this process forks the workers, which run this file again, and
// supervises them; it opens no database and does not listen.
if (isClusterPrimary(config)) {
  process.exit(await runPrimary({ name: 'express-api', config, logger }));
}

// Without DATABASE_URL, PGlite on disk in .data/express-api unless PGLITE_DATA_DIR says otherwise.
const dataDir = config.DATABASE_URL ? undefined : pgliteDataDir(config, 'express-api');
// A start-up failure (database unreachable, port in use) is one line naming the setting, exit 1.
const db = await openDatabase({
  url: config.DATABASE_URL,
  dataDir,
  poolSize: config.DB_POOL_SIZE,
  pgliteSharedBuffersMb: config.PGLITE_SHARED_BUFFERS_MB,
  pgliteThread: config.PGLITE_THREAD,
  onPoolError: (error) => logIdlePoolError(logger, error),
}).catch((error: unknown) => exitWith('express-api', error, 'database', config));
logger.info({ database: db.kind, dataDir }, describeDatabase(config, dataDir));

let running: RunningServer;
try {
  running = await startServer({ config, db, logger });
} catch (error) {
  await db.close();
  exitWith('express-api', error, 'listen', config);
}
logger.info({ url: running.url, database: db.kind }, 'express-api listening');

let stopping = false;
async function shutdown(signal: NodeJS.Signals): Promise<void> {
  if (stopping) {
    // A cluster worker may get the signal twice (see isClusterWorker); its primary holds the deadline.
    if (isClusterWorker()) return;
    logger.warn({ signal }, 'Second signal: exiting now');
    process.exit(1);
  }
  stopping = true;
  logger.info({ signal }, 'Shutting down');
  // Should something keep the loop alive past the shutdown budget, do not hang forever.
  setTimeout(() => process.exit(1), shutdownBudgetMs(config)).unref();
  try {
    await running.close();
    await db.close();
    // The spans still buffered (tracing started by src/instrument.ts), before the exit.
    await activeTracing()?.shutdown();
    logger.info('Stopped');
  } catch (error) {
    logger.error({ err: error }, 'Shutdown failed');
    process.exitCode = 1;
  }
  leaveCluster();
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void shutdown(signal));
}
