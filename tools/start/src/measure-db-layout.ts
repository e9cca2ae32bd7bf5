// Measures the database layout `npm start` uses: each app on its own embedded PGlite data
// directory (layout A). For every run it starts the upstream stand-in and both apps on fresh
// temporary data directories and records how long until both answer /ready, the scripted
// session's total time per app, a concurrent write load on both apps at once, and the peak RSS
// of the process tree. Prints each run, then medians (min–max).
//
//   node --import tsx --conditions=@switchyard/source tools/start/src/measure-db-layout.ts [--runs=3]
//
// Layout B (one PGlite served over the wire protocol by @electric-sql/pglite-socket, both apps
// on DATABASE_URL) is not measured: see tools/start/README.md for why.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort, startUpstream } from '@switchyard/testing';
import { startApp, waitReady, type AppProcess } from './processes.js';
import { SessionClient, steps } from './session.js';

const APPS = ['express-api', 'fastify-api'] as const;
type AppName = (typeof APPS)[number];

const runsArg = process.argv.find((a) => a.startsWith('--runs='));
const RUNS = runsArg ? Number(runsArg.slice('--runs='.length)) : 3;
const LOAD_REQUESTS = 200;
const LOAD_CONCURRENCY = 20;

interface AppResult {
  readyMs: number;
  sessionMs: number;
  loadReqPerS: number;
  loadP50Ms: number;
  loadP99Ms: number;
}

interface RunResult {
  layout: string;
  run: number;
  bothReadyMs: number;
  apps: Record<AppName, AppResult>;
  peakTreeRssMb: number;
  peakAppsRssMb: number;
  errors: string[];
}

/** Resident set size of one process in kB, from /proc (Linux); 0 when it is gone. */
function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Samples the RSS of this process and the apps every 100 ms; keeps the peaks. */
function rssSampler(apps: readonly AppProcess[]) {
  let peakTree = 0;
  let peakApps = 0;
  const sample = () => {
    const appsKb = apps.reduce((sum, a) => sum + (a.child.pid ? rssKb(a.child.pid) : 0), 0);
    peakApps = Math.max(peakApps, appsKb);
    peakTree = Math.max(peakTree, appsKb + rssKb(process.pid));
  };
  const timer = setInterval(sample, 100);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { treeMb: peakTree / 1024, appsMb: peakApps / 1024 };
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Sends `total` echo messages, `concurrency` at a time, as one logged-in user. */
async function writeLoad(client: SessionClient, errors: string[], app: string) {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < LOAD_REQUESTS) {
      const i = next++;
      try {
        const r = await client.call('POST', '/v1/bots/echo/messages', { text: `load ${i}` });
        if (r.status >= 300) errors.push(`${app} load #${i}: HTTP ${r.status}`);
        else latencies.push(r.ms);
      } catch (error) {
        errors.push(`${app} load #${i}: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: LOAD_CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    loadReqPerS: latencies.length / seconds,
    loadP50Ms: percentile(latencies, 50),
    loadP99Ms: percentile(latencies, 99),
  };
}

async function runLayoutA(run: number): Promise<RunResult> {
  const errors: string[] = [];
  const upstream = await startUpstream({ latencyMs: 20 });
  const dataRoot = await mkdtemp(path.join(os.tmpdir(), 'switchyard-measure-'));
  const shared: Record<string, string> = {
    MODEL_URL: upstream.url,
    KNOWLEDGE_URL: upstream.url,
    PROXY_SERVICES: JSON.stringify({
      httpbin: { url: upstream.url, paths: ['/get'] },
    }),
    LOG_LEVEL: 'warn',
  };
  const ports = [await freePort(), await freePort()];
  const started = performance.now();
  const apps = await Promise.all(
    APPS.map((name, i) =>
      startApp(name, ports[i]!, { ...shared, PGLITE_DATA_DIR: path.join(dataRoot, name) }),
    ),
  );
  const rss = rssSampler(apps);
  const result: Partial<Record<AppName, Partial<AppResult>>> = {};
  let bothReadyMs = NaN;
  try {
    const readyAt = await Promise.all(
      apps.map((a) => waitReady(a.url, { process: a }).then(() => performance.now() - started)),
    );
    bothReadyMs = Math.max(...readyAt);
    APPS.forEach((name, i) => (result[name] = { readyMs: readyAt[i]! }));

    // The scripted session, step by step against each app in turn, as npm start runs it.
    const clients = apps.map((a) => new SessionClient(a.url));
    const sessionMs = [0, 0];
    for (const step of steps) {
      for (const [i, client] of clients.entries()) {
        try {
          const r = await step.run(client);
          sessionMs[i]! += r.ms;
          if (r.status >= 500) errors.push(`${APPS[i]} ${step.name}: HTTP ${r.status}`);
        } catch (error) {
          errors.push(`${APPS[i]} ${step.name}: ${(error as Error).message}`);
        }
      }
    }
    APPS.forEach((name, i) => (result[name]!.sessionMs = sessionMs[i]!));

    // A fresh logged-in user per app, then both apps under write load at the same time.
    const loaders = apps.map((a) => new SessionClient(a.url));
    for (const client of loaders) {
      await steps.find((s) => s.name.startsWith('sign up'))!.run(client);
      await steps.find((s) => s.name.startsWith('log in'))!.run(client);
      if (!client.token) errors.push(`${client.baseUrl}: could not log in for the load`);
    }
    const loads = await Promise.all(loaders.map((c, i) => writeLoad(c, errors, APPS[i]!)));
    APPS.forEach((name, i) => Object.assign(result[name]!, loads[i]));
  } catch (error) {
    errors.push((error as Error).message.split('\n')[0]!);
  }
  const peaks = rss.stop();
  const exits = await Promise.all(apps.map((a) => a.stop({ graceMs: 12_000 })));
  exits.forEach(({ code }, i) => code !== 0 && errors.push(`${APPS[i]} exited with ${code}`));
  await upstream.close();
  await rm(dataRoot, { recursive: true, force: true });
  return {
    layout: 'A',
    run,
    bothReadyMs,
    apps: result as Record<AppName, AppResult>,
    peakTreeRssMb: peaks.treeMb,
    peakAppsRssMb: peaks.appsMb,
    errors,
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const summary = (xs: number[], digits = 0) =>
  xs.some((x) => !Number.isFinite(x))
    ? 'n/a'
    : `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

function renderSummary(results: readonly RunResult[]): string {
  const metric = (label: string, pick: (r: RunResult) => number, digits = 0) => [
    label,
    summary(results.map(pick), digits),
  ];
  const rows: string[][] = [
    metric('both apps ready, ms', (r) => r.bothReadyMs),
    ...APPS.flatMap((app) => [
      metric(`${app} ready, ms`, (r) => r.apps[app]?.readyMs ?? NaN),
      metric(`${app} session total, ms`, (r) => r.apps[app]?.sessionMs ?? NaN),
      metric(`${app} load, req/s`, (r) => r.apps[app]?.loadReqPerS ?? NaN),
      metric(`${app} load p50, ms`, (r) => r.apps[app]?.loadP50Ms ?? NaN, 1),
      metric(`${app} load p99, ms`, (r) => r.apps[app]?.loadP99Ms ?? NaN, 1),
    ]),
    metric('peak RSS, both apps, MB', (r) => r.peakAppsRssMb),
    metric('peak RSS, whole tree, MB', (r) => r.peakTreeRssMb),
    ['errors (all runs)', String(results.reduce((n, r) => n + r.errors.length, 0))],
  ];
  const header = ['metric', 'A: own PGlite per app, median (min–max)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

async function main(): Promise<number> {
  console.log(
    `Measuring layout A (own PGlite per app), ${RUNS} runs; ${os.cpus().length} CPUs, Node ${process.version}, load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(
    'Layout B (one PGlite over @electric-sql/pglite-socket) is not measured: no release of it accepts the installed @electric-sql/pglite (see tools/start/README.md).\n',
  );
  const results: RunResult[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const loadBefore = os.loadavg()[0]!.toFixed(2);
    const r = await runLayoutA(run);
    results.push(r);
    const a = (app: AppName) => r.apps[app];
    console.log(
      `run ${run} A: ready ${r.bothReadyMs.toFixed(0)} ms; session ${APPS.map((n) => a(n)?.sessionMs?.toFixed(0)).join('/')} ms; ` +
        `load ${APPS.map((n) => a(n)?.loadReqPerS?.toFixed(0)).join('/')} req/s, p99 ${APPS.map((n) => a(n)?.loadP99Ms?.toFixed(1)).join('/')} ms; ` +
        `peak RSS ${r.peakTreeRssMb.toFixed(0)} MB; 1-min load average ${loadBefore} before, ${os.loadavg()[0]!.toFixed(2)} after; errors ${r.errors.length}`,
    );
    for (const e of r.errors.slice(0, 10)) console.log(`  ✗ ${e}`);
  }
  console.log(`\n${renderSummary(results)}`);
  return results.every((r) => r.errors.length === 0) ? 0 : 1;
}

process.exitCode = await main();
