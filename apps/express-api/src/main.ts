import {
  ConfigError,
  isClusterPrimary,
  isClusterWorker,
  leaveCluster,
  loadConfig,
  logIdlePoolError,
  runPrimary,
  type Config,
} from '@switchyard/runtime';
import { openDatabase } from '@switchyard/persistence';
import { createLogger } from './logger.js';
import { startServer, type RunningServer } from './server.js';

function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // One line per problem, and nothing else: no stack for a typo in the environment.
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

const config = configOrExit();

const logger = createLogger(config);

// WEB_CONCURRENCY > 1: this process forks the workers, which run this file again, and
// supervises them; it opens no database and does not listen.
if (isClusterPrimary(config)) {
  process.exit(await runPrimary({ name: 'express-api', config, logger }));
}

const db = await openDatabase({
  url: config.DATABASE_URL,
  dataDir: config.PGLITE_DATA_DIR,
  onPoolError: (error) => logIdlePoolError(logger, error),
});

let running: RunningServer;
try {
  running = await startServer({ config, db, logger });
} catch (error) {
  logger.fatal({ err: error }, 'Could not start');
  await db.close();
  process.exit(1);
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
  setTimeout(() => process.exit(1), config.SHUTDOWN_TIMEOUT_MS + 5_000).unref();
  try {
    await running.close();
    await db.close();
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
