import { loadConfig, type Config } from '../config/config.js';

/** What a Lambda entry builds once per container: something that handles one event. */
export interface ContainerApp<E, C, R> {
  handle(event: E, context: C): Promise<R>;
}

/** What the handler opens once per container (libs/persistence's Database). */
export interface ContainerDatabase {
  close(): Promise<void>;
}

export interface ContainerOptions<D extends ContainerDatabase> {
  /** Opens the database on the config's DATABASE_URL (and DB_POOL_SIZE). */
  readonly open: (config: Config & { DATABASE_URL: string }) => Promise<D>;
  /** The function's environment; process.env unless given (tests). */
  readonly env?: Record<string, string | undefined>;
}

/**
 * A Lambda handler whose app is built on the first invocation of a container and reused by
 * every later one (Lambda keeps a container's module state between invocations). The config
 * comes from the function's environment and must name a DATABASE_URL: the embedded PGlite is
 * one process's database, and a function has one process per warm container. A build that
 * fails is not kept: the next invocation builds again. Invocations that arrive while the build
 * runs wait for the same build. Both apps' `lambda.ts` export one of these as `handler`.
 */
export function containerHandler<D extends ContainerDatabase, E, C, R>(
  create: (deps: { config: Config; db: D }) => Promise<ContainerApp<E, C, R>>,
  options: ContainerOptions<D>,
): (event: E, context: C) => Promise<R> {
  let app: Promise<ContainerApp<E, C, R>> | undefined;
  const build = async (): Promise<ContainerApp<E, C, R>> => {
    const config = loadConfig(options.env ?? process.env);
    if (!config.DATABASE_URL) {
      throw new Error('DATABASE_URL is required on Lambda: the embedded database is per process');
    }
    const db = await options.open({ ...config, DATABASE_URL: config.DATABASE_URL });
    try {
      return await create({ config, db });
    } catch (error) {
      await db.close();
      throw error;
    }
  };
  return async (event, context) => {
    app ??= build().catch((error: unknown) => {
      app = undefined;
      throw error;
    });
    return (await app).handle(event, context);
  };
}
