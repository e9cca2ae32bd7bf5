import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from '../config/config.js';

/*
 * What an app's main does before and around its start: read `.env`, read the config, pick the
 * PGlite directory, and turn a failure into one line that names the setting to fix (no stack:
 * a port in use or a wrong DATABASE_URL is not a bug in the app).
 */

/** The value of PGLITE_DATA_DIR that keeps the embedded database in memory only. */
export const PGLITE_IN_MEMORY = 'memory://';

/**
 * Reads `.env` from the working directory, when there is one, into the environment, with
 * Node's own parser (process.loadEnvFile). A variable already set in the environment wins over
 * the file, even when it is set to the empty string. Returns the file read, if any.
 */
export function loadDotEnv(file = path.resolve('.env')): string | undefined {
  if (!existsSync(file)) return undefined;
  process.loadEnvFile(file);
  return file;
}

/**
 * `.env`, then the configuration; a bad setting prints one line naming every setting that is
 * wrong and exits with 1.
 */
export function configOrExit(name: string): Config {
  try {
    loadDotEnv();
    return loadConfig();
  } catch (error) {
    exitWith(name, error);
  }
}

/**
 * Where PGlite keeps its data when DATABASE_URL is unset: PGLITE_DATA_DIR, or `.data/<app>`
 * under the working directory (git-ignored); undefined for `memory://`.
 */
export function pgliteDataDir(
  config: Pick<Config, 'PGLITE_DATA_DIR'>,
  app: string,
): string | undefined {
  const configured = config.PGLITE_DATA_DIR;
  if (configured?.startsWith(PGLITE_IN_MEMORY)) return undefined;
  return path.resolve(configured ?? path.join('.data', app.replace(/^@[^/]+\//, '')));
}

/** The start-up line that says where the data is. */
export function describeDatabase(
  config: Pick<Config, 'DATABASE_URL'>,
  dataDir: string | undefined,
): string {
  if (config.DATABASE_URL) return 'database: PostgreSQL at DATABASE_URL';
  return dataDir
    ? `database: embedded PGlite in ${dataDir}`
    : 'database: embedded PGlite in memory (PGLITE_DATA_DIR=memory://); the data goes when the process stops';
}

type Phase = 'database' | 'listen';

/** Code and address of a network error (pg's and net's; an AggregateError holds several). */
function networkReason(error: unknown): string {
  const e = error as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
    errors?: unknown[];
  };
  if (e.errors?.length && !e.address) return networkReason(e.errors[0]);
  const where = e.address ? ` ${e.address}${e.port ? `:${e.port}` : ''}` : '';
  if (e.code && /^[A-Z]+$/.test(e.code)) return `${e.code}${where}`;
  // PostgreSQL's own refusals (wrong password, no such database) carry an SQLSTATE code.
  return e.code ? `${e.message} (SQLSTATE ${e.code})` : e.message;
}

/** The one line for an error at start-up, naming the setting it comes from where it can. */
export function startupLine(
  name: string,
  error: unknown,
  phase: Phase | undefined,
  config?: Pick<Config, 'HOST' | 'PORT' | 'DATABASE_URL' | 'PGLITE_DATA_DIR'>,
): string {
  const app = name.replace(/^@[^/]+\//, '');
  if (error instanceof ConfigError) {
    const [, ...lines] = error.message.split('\n');
    const problems = lines.map((line) => line.trim()).filter(Boolean);
    return `${app}: invalid configuration: ${(problems.length ? problems : [error.message]).join('; ')}`;
  }
  const code = (error as NodeJS.ErrnoException).code;
  if (phase === 'listen' && config) {
    if (code === 'EADDRINUSE') return `${app}: PORT ${config.PORT} is in use (EADDRINUSE)`;
    if (code === 'EACCES') return `${app}: PORT ${config.PORT}: permission denied (EACCES)`;
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      return `${app}: HOST ${config.HOST} is not an address of this machine (${code})`;
  }
  if (phase === 'database' && config) {
    if (config.DATABASE_URL)
      return `${app}: DATABASE_URL: cannot connect (${networkReason(error)})`;
    return `${app}: PGLITE_DATA_DIR: cannot open the embedded database (${networkReason(error)})`;
  }
  return `${app}: could not start: ${error instanceof Error ? error.message : String(error)}`;
}

/** Prints the one line on stderr and exits with 1. */
export function exitWith(
  name: string,
  error: unknown,
  phase?: Phase,
  config?: Pick<Config, 'HOST' | 'PORT' | 'DATABASE_URL' | 'PGLITE_DATA_DIR'>,
): never {
  process.stderr.write(`${startupLine(name, error, phase, config)}\n`);
  process.exit(1);
}
