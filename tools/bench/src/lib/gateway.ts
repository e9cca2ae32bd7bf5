// What every scenario needs from the gateway apps: their shared env and a signed-in user.
import { randomUUID } from 'node:crypto';

export function sharedEnv(upstreamUrl: string, extra: Record<string, string> = {}) {
  return {
    MODEL_URL: upstreamUrl,
    KNOWLEDGE_URL: upstreamUrl,
    PROXY_SERVICES: JSON.stringify({ httpbin: { url: upstreamUrl, paths: ['/get', '/delay'] } }),
    LOG_LEVEL: 'warn',
    // Scenario 2 logs in ten times a second on purpose; the limit is not what it measures.
    RATE_LIMIT_MAX: '1000000',
    // The proxy variant sends one user's 100 connections at once; it measures the proxy, not
    // the per-account bound on calls in flight.
    PROXY_MAX_CONCURRENT_PER_ACCOUNT: '10000',
    // One bench user sends thousands of messages and proxied calls a minute, and the blocking
    // scenario logs one account in over and over: the per-account budgets, the log-in lock and
    // the sessions cap would answer most of them 429 or end their sessions (401). The bench
    // measures the frameworks, not those bounds (their e2e suites test them).
    MESSAGE_RATE_MAX: '1000000',
    PROXY_RATE_MAX: '1000000',
    LOGIN_MAX_FAILURES: '1000',
    LOGIN_LOCK_SECONDS: '1',
    MAX_SESSIONS_PER_ACCOUNT: '1000',
    ...extra,
  };
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
