// What every scenario needs from the gateway apps: their shared env, a PGlite data dir that
// skips initdb, and a signed-in user.
import { randomUUID } from 'node:crypto';
import type { Context } from './context.js';
import { startApp, type AppName, type AppOptions, type Proc } from './processes.js';

export type RunningApp = Proc & { readyMs: number };

export function sharedEnv(upstreamUrl: string, extra: Record<string, string> = {}) {
  return {
    MODEL_URL: upstreamUrl,
    KNOWLEDGE_URL: upstreamUrl,
    PROXY_SERVICES: JSON.stringify({ httpbin: { url: upstreamUrl } }),
    LOG_LEVEL: 'warn',
    ...extra,
  };
}

let template: Promise<void> | undefined;

/** The first app start runs initdb; its data dir becomes the template that later starts copy. */
export async function pgliteDir(context: Context, upstreamUrl: string): Promise<string> {
  const dirs = context.dataDirs;
  template ??= (async () => {
    if (dirs.hasTemplate) return;
    const dir = await dirs.fresh();
    const app = await startApp('fastify-api', sharedEnv(upstreamUrl), { dataDir: dir });
    await app.stop();
    dirs.setTemplate(dir);
  })();
  await template;
  return dirs.copy();
}

export interface Pair {
  readonly express: RunningApp;
  readonly fastify: RunningApp;
  readonly users: { readonly express: User; readonly fastify: User };
}

let pair: Promise<Pair> | undefined;

/**
 * Both apps with the default configuration on PGlite, against the context's upstream (no
 * latency), started once and shared by the scenarios that need nothing special; main stops
 * them at the end.
 */
export function defaultPair(context: Context): Promise<Pair> {
  pair ??= (async () => {
    const [express, fastify] = await Promise.all(
      (['express-api', 'fastify-api'] as const).map((n) =>
        startGateway(context, n, context.upstreamUrl),
      ),
    );
    const [a, b] = await Promise.all([signIn(express!.url), signIn(fastify!.url)]);
    return { express: express!, fastify: fastify!, users: { express: a, fastify: b } };
  })();
  return pair;
}

export async function stopDefaultPair(): Promise<void> {
  if (!pair) return;
  const p = await pair.catch(() => undefined);
  pair = undefined;
  if (p) await Promise.all([p.express.stop(), p.fastify.stop()]);
}

/** Starts an app on a copy of the PGlite template (or on `options.databaseUrl`). */
export async function startGateway(
  context: Context,
  name: AppName,
  upstreamUrl: string,
  options: AppOptions = {},
): Promise<RunningApp> {
  const dataDir = options.databaseUrl
    ? undefined
    : (options.dataDir ?? (await pgliteDir(context, upstreamUrl)));
  return startApp(name, sharedEnv(upstreamUrl), { ...options, ...(dataDir ? { dataDir } : {}) });
}

async function post(url: string, body: unknown, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export interface User {
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

/** Signs a new user up and logs in once. */
export async function signIn(baseUrl: string): Promise<User> {
  const username = `bench-${randomUUID().slice(0, 8)}`;
  const password = 'a bench password';
  const created = await post(`${baseUrl}/v1/accounts`, { username, password });
  if (created.status !== 201) throw new Error(`sign-up answered ${created.status}`);
  const session = await post(`${baseUrl}/v1/sessions`, { username, password });
  if (session.status !== 201) throw new Error(`log-in answered ${session.status}`);
  return { username, password, token: String(session.body['token']) };
}

/** One POST /v1/bots/:bot/messages; returns its latency in ms, throws unless 201. */
export async function timeMessage(baseUrl: string, token: string, bot: string, text = 'hello') {
  const began = performance.now();
  const res = await post(`${baseUrl}/v1/bots/${bot}/messages`, { text }, token);
  const ms = performance.now() - began;
  if (res.status !== 201)
    throw new Error(`${bot} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return ms;
}
