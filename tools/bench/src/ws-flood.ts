// What one WebSocket client that floods frames and reads nothing does to an app: the app's RSS
// and its /health latency while the flood runs, for docs/reliability.md#websocket-bounds.
//
//   node --import tsx --conditions=@switchyard/source tools/bench/src/ws-flood.ts [MB] [app...]
//
// Each app runs as its own process (its main.ts, PGlite in memory, the upstream stand-in in this
// process); this process is the client. It sends up to MB megabytes (default 256) of valid
// message frames (text of 3,990 characters, near the 4,000 limit) to the echo bot without
// reading a byte of the answers, for at most 60 s, and samples the app every 200 ms. The echo
// answers fill the socket's buffers within a few hundred frames; what follows waits in the app.
import { readFileSync } from 'node:fs';
import { spawnApp, startUpstream } from '@switchyard/testing';
import WebSocket from 'ws';

const APPS: Record<string, string> = {
  'express-api': 'apps/express-api/src/main.ts',
  'fastify-api': 'apps/fastify-api/src/main.ts',
  'bridge-api': 'apps/bridge-api/src/main.ts',
};
const DURATION_MS = 60_000;
const SAMPLE_MS = 200;
/** The client holds at most this much unsent; it waits (TCP flow control holds it) beyond. */
const CLIENT_BUFFER_BYTES = 8 * 1024 * 1024;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

async function healthMs(url: string): Promise<number> {
  const started = performance.now();
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(30_000) });
    await res.arrayBuffer();
    return performance.now() - started;
  } catch {
    return Infinity;
  }
}

async function post(url: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}

async function measure(name: string, entry: string, megabytes: number): Promise<string> {
  const upstream = await startUpstream();
  const app = await spawnApp({
    name,
    entry,
    env: {
      LOG_LEVEL: 'silent',
      MODEL_URL: upstream.url,
      KNOWLEDGE_URL: upstream.url,
      RATE_LIMIT_MAX: '1000',
    },
  });
  try {
    const credentials = { username: `flood-${Date.now()}`, password: 'correct horse battery' };
    await post(app.url, '/v1/accounts', credentials);
    const { token } = (await post(app.url, '/v1/sessions', credentials)) as { token: string };
    const ws = new WebSocket(`${app.url.replace(/^http/, 'ws')}/v1/bots/echo/stream`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    // Reads nothing from here on: the answers, the pings and any close frame wait unread.
    ws.pause();
    let closed = false;
    ws.once('close', () => (closed = true));
    ws.on('error', () => (closed = true));

    // Start-up garbage is freed at the first collections, which the flood triggers: the growth
    // is counted from the lowest RSS seen to the highest seen after it.
    const samples: number[] = [];
    let slowest = 0;
    let sampling = true;
    let sent = 0;
    const sampler = (async () => {
      while (sampling) {
        samples.push(rssMiB(app.child.pid!));
        slowest = Math.max(slowest, await healthMs(app.url));
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      }
    })();

    const frame = JSON.stringify({ type: 'message', text: 'x'.repeat(3_990) });
    const total = megabytes * 1024 * 1024;
    const started = performance.now();
    while (sent < total && !closed && performance.now() - started < DURATION_MS) {
      if (ws.bufferedAmount > CLIENT_BUFFER_BYTES) {
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      ws.send(frame);
      sent += frame.length;
    }
    // The server's side of it: written or not, what the app holds shows in its RSS now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    sampling = false;
    await sampler;
    const written = sent - ws.bufferedAmount;
    const low = Math.min(...samples);
    const peak = Math.max(...samples.slice(samples.indexOf(low)));
    ws.terminate();
    return (
      `${name}: ${(written / 1024 / 1024).toFixed(0)} MiB written in ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s; RSS ${low.toFixed(0)} → ` +
      `${peak.toFixed(0)} MiB (+${(peak - low).toFixed(0)}); slowest /health ` +
      `${Number.isFinite(slowest) ? `${slowest.toFixed(0)} ms` : 'no answer within 30 s'}`
    );
  } finally {
    await app.stop({ graceMs: 5_000 });
    await upstream.close();
  }
}

const [first, ...rest] = process.argv.slice(2);
const megabytes = first && /^\d+$/.test(first) ? Number(first) : 256;
const names = (first && !/^\d+$/.test(first) ? [first, ...rest] : rest).filter(Boolean);
for (const name of names.length ? names : Object.keys(APPS)) {
  const entry = APPS[name];
  if (!entry) throw new Error(`unknown app ${name}`);
  console.log(await measure(name, entry, megabytes));
}
