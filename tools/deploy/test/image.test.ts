// The image without Docker: the runtime stage's files laid out as its COPY lines lay them out,
// its CMD spawned exactly as written with its ENV, WORKDIR and (as root) its USER, on a fresh
// PostgreSQL database and the Redis server. What the image adds beyond this: the Node binary of
// node:26-bookworm-slim instead of this machine's, and node_modules from `npm install --omit=dev`
// instead of links to the workspace's own copies of the same versions (docs/deploy.md).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerDatabase, type ServerDatabase } from '@switchyard/persistence/testing';
import { loadConfig, shutdownBudgetMs } from '@switchyard/runtime';
import { freePort, waitReady } from '@switchyard/testing';
import { APPS, WORKSPACE, buildApp, type AppName, type BuildResult } from '../src/build-app.js';
import { runtimeStage } from '../src/dockerfile.js';

const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const stage = runtimeStage();
const [uid, gid] = (stage.user ?? '').split(':').map(Number);
/**
 * As root (CI), the app runs as the image's USER, which must then be able to read the
 * workspace's node_modules that the layout links to: a checkout under a 0700 folder would stop
 * it. Then, and when not root, it runs as this process's user, and the test says which.
 */
const dropTo = (() => {
  if (process.getuid?.() !== 0 || !Number.isInteger(uid) || !Number.isInteger(gid))
    return undefined;
  const probe = spawnSync(
    process.execPath,
    [
      '-e',
      `require('fs').accessSync(${JSON.stringify(path.join(WORKSPACE, 'node_modules', 'fastify', 'package.json'))})`,
    ],
    { uid: uid!, gid: gid!, stdio: 'ignore' },
  );
  return probe.status === 0 ? { uid: uid!, gid: gid! } : undefined;
})();

interface Running {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(command: readonly string[], cwd: string, env: Record<string, string>): Running {
  const [file, ...args] = command;
  const child = spawn(file!, args, {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(dropTo ?? {}),
  });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output, exit };
}

/** Every path under `dir`, links not followed. */
async function listing(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: false });
  return entries.map(String).sort();
}

describe('the runtime stage of the Dockerfile', () => {
  it('copies the bundle from the build stage and node_modules from the deps stage, nothing else', () => {
    // The layout below reproduces exactly these lines; another COPY needs its twin here.
    expect(stage.copies).toEqual([
      { from: 'deps', sources: ['/app/node_modules'], destination: './node_modules' },
      { from: 'build', sources: ['/out/'], destination: './' },
    ]);
    expect(stage.workdir).toBe('/app');
  });
});

describe('the HEALTHCHECK command', () => {
  it('fails where nothing answers on PORT', async () => {
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', PORT: String(await freePort()) };
    expect((await run(stage.healthcheck!.cmd, tmpdir(), env).exit).code).toBe(1);
  });
});

interface Started {
  readonly root: string;
  readonly workdir: string;
  readonly build: BuildResult;
  readonly db: ServerDatabase;
  readonly env: Record<string, string>;
  readonly base: string;
  readonly app: Running;
  /** The app's folder before the process ran. */
  readonly before: string[];
}

/** The runtime stage's layout for `app` in a temporary folder, and its CMD running there. */
async function start(app: AppName): Promise<Started> {
  const root = await mkdtemp(path.join(tmpdir(), `swy-image-${app}-`));
  // The build stage's /out: `build-app.ts <app> --outdir /out`.
  const build = await buildApp(app, { outdir: path.join(root, 'out') });
  const workdir = path.join(root, stage.workdir!.replace(/^\//, ''));
  // COPY --from=build /out/ ./
  await cp(build.outdir, workdir, { recursive: true });
  // COPY --from=deps /app/node_modules ./node_modules: the deps stage installs
  // /out/package.json's dependencies; here each is a link to the folder the workspace
  // resolved it to, the same version (npm install from the registry is too slow for CI).
  for (const [name, dir] of Object.entries(build.resolved)) {
    const link = path.join(workdir, 'node_modules', name);
    await mkdir(path.dirname(link), { recursive: true });
    await symlink(dir, link, 'dir');
  }
  // mkdtemp makes the folder 0700: the image's files are root's and readable by all.
  await chmod(root, 0o755);
  const before = await listing(workdir);
  const db = await createServerDatabase();
  const port = await freePort();
  const unused = await freePort();
  const env = {
    // The image's PATH finds its node; here the machine's.
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    ...stage.env,
    PORT: String(port),
    DATABASE_URL: db.url,
    REDIS_URL,
    REDIS_KEY_PREFIX: `swy-image-${app}-${port}:`,
    MODEL_URL: `http://127.0.0.1:${unused}`,
    KNOWLEDGE_URL: `http://127.0.0.1:${unused}`,
  };
  const base = `http://127.0.0.1:${port}`;
  const running = run(stage.cmd!, workdir, env);
  try {
    await waitReady(base, {
      process: { name: app, child: running.child, output: running.output },
      timeoutMs: 90_000,
    });
  } catch (error) {
    running.child.kill('SIGKILL');
    await db.drop();
    await rm(root, { recursive: true, force: true });
    throw error;
  }
  return { root, workdir, build, db, env, base, app: running, before };
}

// The three start side by side, so that the file's wall time is about one start, not three.
let starts: Record<AppName, Promise<Started>> | undefined;
const started = (app: AppName) => {
  if (!starts) {
    starts = Object.fromEntries(APPS.map((a) => [a, start(a)])) as Record<
      AppName,
      Promise<Started>
    >;
    // Each rejection is reported by the describe block that awaits it, not as unhandled.
    for (const promise of Object.values(starts)) promise.catch(() => undefined);
  }
  return starts[app];
};

describe.each(APPS)('the image of %s, run as its Dockerfile says', (app) => {
  let root: string;
  let workdir: string;
  let build: BuildResult;
  let db: ServerDatabase;
  let env: Record<string, string>;
  let base: string;
  let app$: Running;
  let before: string[];

  beforeAll(async () => {
    ({ root, workdir, build, db, env, base, app: app$, before } = await started(app));
  }, 120_000);

  afterAll(async () => {
    if (app$ && app$.child.exitCode === null && app$.child.signalCode === null) {
      app$.child.kill('SIGKILL');
      await app$.exit;
    }
    await db?.drop();
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('starts from main.js with only the image ENV and the deployment settings', () => {
    expect(stage.cmd).toEqual(['node', 'main.js']);
    expect(Object.keys(build.dependencies)).not.toContain('tsx');
    expect(Object.keys(build.dependencies)).not.toContain('typescript');
    // The workspace libraries are inside the bundle: no import of one is left.
    const bundle = readFileSync(path.join(workdir, 'main.js'), 'utf8');
    expect(bundle).not.toMatch(/\bfrom\s*["']@switchyard\/|\bimport\(\s*["']@switchyard\//);
    expect(bundle).toMatch(/\bfrom\s*["']fastify["']|\bfrom\s*["']express["']/);
  });

  it(
    dropTo
      ? `runs as the image's USER ${stage.user ?? ''}, not root`
      : `runs as this process's user (uid ${process.getuid?.()}): the image's USER needs root here, and read access to the workspace`,
    () => {
      const status = readFileSync(`/proc/${app$.child.pid}/status`, 'utf8');
      const realUid = Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
      expect(realUid).toBe(dropTo ? dropTo.uid : process.getuid?.());
      if (dropTo) expect(realUid).not.toBe(0);
    },
  );

  it('answers /ready with 200', async () => {
    const response = await fetch(`${base}/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: 'ready', database: 'postgres' });
  });

  it('signs up, logs in and answers a message', async () => {
    const credentials = {
      username: `image-${app}-${Date.now()}`,
      password: 'plum-kestrel-9-orbit',
    };
    const post = (url: string, body: unknown, token?: string) =>
      fetch(`${base}${url}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    expect((await post('/v1/accounts', credentials)).status).toBe(201);
    const login = await post('/v1/sessions', credentials);
    expect(login.status).toBe(201);
    const { token } = (await login.json()) as { token: string };
    const message = await post('/v1/bots/echo/messages', { text: 'hello from the image' }, token);
    expect(message.status).toBe(201);
    expect(JSON.stringify(await message.json())).toContain('hello from the image');
  });

  it('passes its HEALTHCHECK command', async () => {
    expect((await run(stage.healthcheck!.cmd, workdir, env).exit).code).toBe(0);
  });

  it('exits with 0 on its STOPSIGNAL within SHUTDOWN_TIMEOUT_MS plus the margin, having written nothing to its files', async () => {
    const budget = shutdownBudgetMs(loadConfig(env));
    app$.child.kill(stage.stopSignal as NodeJS.Signals);
    const outcome = await Promise.race([
      app$.exit,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), budget)),
    ]);
    expect(outcome).toEqual({ code: 0, signal: null });
    expect(await listing(workdir)).toEqual(before);
  });
});
