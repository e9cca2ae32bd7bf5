import closeWithGrace from 'close-with-grace';
import {
  ConfigError,
  loadConfig,
  openDatabase,
  type Config,
  type Database,
} from '@switchyard/domain';
import type { RunningServer } from './server.js';

/**
 * A process's main: config from the environment (exit 1 naming what is wrong), the database,
 * the server, and the shutdown. Shared by fastify-api's and bridge-api's main.ts.
 */
export async function runMain(
  name: string,
  start: (options: { config: Config; db: Database }) => Promise<RunningServer>,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${name}: ${error.message}`);
    process.exit(1);
  }

  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.PGLITE_DATA_DIR });
  const running = await start({ config, db }).catch(async (error: unknown) => {
    await db.close();
    throw error;
  });
  const log = running.app.log;

  // SIGINT, SIGTERM, or a crash: stop taking requests, let the open ones finish (the server's
  // own SHUTDOWN_TIMEOUT_MS), then close the database. close-with-grace exits hard if that
  // hangs; a second signal exits at once.
  closeWithGrace(
    {
      delay: config.SHUTDOWN_TIMEOUT_MS + 5_000,
      logger: { error: (message) => log.error(message) },
    },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'shutting down after an error');
      else log.info({ signal }, 'shutting down');
      await running.close();
      await db.close();
    },
  );
}
