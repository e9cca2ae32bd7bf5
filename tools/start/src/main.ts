// npm start: the upstream stand-in, then both apps side by side on embedded Postgres (or on
// DATABASE_URL), a scripted session against both, and a table that compares them, and the
// comparison page (tools/compare-page) on COMPARE_PORT. Then it keeps serving until Ctrl-C.
// `--once` exits after the table (used by the tests); `--no-session` skips the session and the
// table and serves at once.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { ensureBuilt, startComparePage, type ComparePage } from '@switchyard/compare-page';
import { freePort, startUpstream } from '@switchyard/testing';
import { startApp, waitReady, WORKSPACE, type AppProcess } from './processes.js';
import { SessionClient, steps, type StepResult } from './session.js';
import { renderTable, type Row } from './table.js';

const once = process.argv.includes('--once');
const session = !process.argv.includes('--no-session');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<number> {
  // Listen for Ctrl-C from the first moment, and for as long as this process runs: a signal
  // with no listener kills it by its default action and leaves the apps without a clean stop.
  // One Ctrl-C can arrive twice (from the terminal, and from `npm` passing it on); the first
  // one stops everything, the others are ignored.
  let signalled = false;
  const interrupted = new Promise<void>((resolve) => {
    const onSignal = () => {
      if (signalled) return;
      signalled = true;
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  const upstream = await startUpstream({ port: port('UPSTREAM_PORT', 4010), latencyMs: 20 });
  // The proxy's httpbin is a stand-in of its own, public (no request log, no fault switches):
  // never the one that serves the bots, whose request log holds every user's questions.
  const proxied = await startUpstream({ port: port('PROXIED_PORT', 4011), public: true }).catch(
    async (error: unknown) => {
      await upstream.close();
      throw error;
    },
  );
  const dataRoot = process.env['SWITCHYARD_DATA_DIR'] ?? path.join(WORKSPACE, '.data');
  const shared: Record<string, string> = {
    MODEL_URL: upstream.url,
    KNOWLEDGE_URL: upstream.url,
    // No credential: an echo service would hand it to whoever asks (`/get` echoes headers).
    // `/delay/` for the page's slow-upstream scenario.
    PROXY_SERVICES: JSON.stringify({
      httpbin: { url: proxied.url, paths: ['/get', '/anything/', '/status', '/delay/'] },
    }),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
    // The page's buttons send hundreds of log-ins, messages and proxied calls a minute from
    // one address: the per-address and per-account budgets (20, 30 and 60 a minute by default)
    // would answer most of them 429. Set any of them to see the limits instead.
    ...Object.fromEntries(
      ['RATE_LIMIT_MAX', 'MESSAGE_RATE_MAX', 'PROXY_RATE_MAX'].map((name) => [
        name,
        process.env[name] ?? '1000000',
      ]),
    ),
  };
  const database = process.env['DATABASE_URL'] ? 'PostgreSQL at DATABASE_URL' : 'embedded PGlite';
  const dataDirs = new Map<string, string>();
  const dbEnv = (name: string): Record<string, string> => {
    if (process.env['DATABASE_URL']) return {};
    const dir = path.join(dataRoot, name);
    mkdirSync(dir, { recursive: true });
    dataDirs.set(name, dir);
    return { PGLITE_DATA_DIR: dir };
  };

  const specs = await Promise.all(
    (['express-api', 'fastify-api'] as const).map(async (name) => ({
      name,
      port: name === 'express-api' ? port('EXPRESS_PORT', 3001) : port('FASTIFY_PORT', 3002),
      metricsPort: await freePort(),
    })),
  );
  // The fan-out's K. The page's slider restarts both apps with another (restart below).
  let ensembleSources = port('ENSEMBLE_SOURCES', 5);
  let apps: AppProcess[] = [];
  let stopping = false;
  let restarting = false;
  let restart = async (_k: number): Promise<void> => {
    throw new Error('the apps are still starting');
  };

  // The comparison page first: the apps export their traces to it from their first request.
  let page: ComparePage;
  try {
    const built = await ensureBuilt();
    if (built) console.log(`Switchyard: ${built}.`);
    page = await startComparePage({
      port: port('COMPARE_PORT', 3000),
      control: {
        apps: () => specs.map((s) => ({ name: s.name, url: `http://127.0.0.1:${s.port}` })),
        ensembleSources: () => ensembleSources,
        restartWithEnsembleSources: (k) => restart(k),
      },
      metrics: () =>
        specs.map((s) => ({
          name: s.name,
          metricsUrl: restarting ? undefined : `http://127.0.0.1:${s.metricsPort}`,
        })),
      workspace: WORKSPACE,
    });
  } catch (error) {
    await upstream.close();
    await proxied.close();
    throw error;
  }
  const envOf = (spec: (typeof specs)[number]): Record<string, string> => ({
    ...shared,
    ...dbEnv(spec.name),
    ENSEMBLE_SOURCES: String(ensembleSources),
    // Prometheus metrics on a port of their own, scraped by the page once a second.
    METRICS_PORT: String(spec.metricsPort),
    // Traces, through each app's preload (processes.ts), to the page's OTLP receiver.
    OTEL_TRACES_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_EXPORTER_OTLP_ENDPOINT: page.url,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });

  console.log(`Switchyard: starting the upstream stand-in and both apps on ${database}…`);
  apps = await Promise.all(specs.map((s) => startApp(s.name, s.port, envOf(s))));
  // Should this process end some other way, the apps (in process groups of their own, see
  // processes.ts) do not outlive it.
  process.once('exit', () => {
    for (const a of apps)
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill();
  });
  let exitedOnItsOwn: () => void = () => undefined;
  const ownExit = new Promise<void>((resolve) => (exitedOnItsOwn = resolve));
  const watch = (list: readonly AppProcess[]) => {
    for (const a of list) a.child.once('exit', () => !stopping && !restarting && exitedOnItsOwn());
  };
  watch(apps);
  const shutdown = async (): Promise<number> => {
    stopping = true;
    // A scenario running from the page stops sending first.
    page.runner.stop();
    const exits = await Promise.all(apps.map((a) => a.stop({ graceMs: 12_000 })));
    // After the apps: their last spans are flushed to the page as they stop.
    await page.close();
    await upstream.close();
    await proxied.close();
    return exits.every((e) => e.code === 0) ? 0 : 1;
  };
  /** Both apps again with ENSEMBLE_SOURCES=k, on the same ports and data, as the bench does. */
  restart = async (k: number): Promise<void> => {
    if (stopping) throw new Error('npm start is stopping');
    restarting = true;
    try {
      await Promise.all(apps.map((a) => a.stop({ graceMs: 12_000 })));
      if (stopping) return;
      ensembleSources = k;
      apps = await Promise.all(specs.map((s) => startApp(s.name, s.port, envOf(s))));
      await Promise.all(apps.map((a) => waitReady(a.url, { process: a })));
      console.log(`  restarted both apps with ENSEMBLE_SOURCES=${k} (from the page)`);
    } catch (error) {
      console.error(
        `  restarting the apps failed: ${error instanceof Error ? error.message : error}`,
      );
      exitedOnItsOwn();
      throw error;
    } finally {
      restarting = false;
      watch(apps);
    }
  };
  // Until Ctrl-C (or an app exiting on its own), then every app gets one SIGTERM from here.
  const serve = async (): Promise<number> => {
    console.log('\nBoth apps keep serving. Press Ctrl-C to stop everything.');
    await Promise.race([interrupted, ownExit]);
    console.log('\nShutting down…');
    const code = await shutdown();
    console.log(code === 0 ? 'Stopped cleanly.' : 'An app did not stop cleanly.');
    return code;
  };

  try {
    const startup = await Promise.all(apps.map((a) => waitReady(a.url, { process: a })));
    console.log(`  upstream     ${upstream.url}   (the bots' model and sources)`);
    console.log(`  proxied      ${proxied.url}   (httpbin for /v1/proxy/httpbin/*)`);
    apps.forEach((a, i) =>
      console.log(
        `  ${a.name.padEnd(12)} ${a.url}   (ready in ${Math.round(startup[i]!)} ms; docs at ${a.url}/docs)`,
      ),
    );
    for (const [name, dir] of dataDirs) console.log(`  ${name.padEnd(12)} data in ${dir}`);
    for (const s of specs)
      console.log(`  ${s.name.padEnd(12)} metrics on http://127.0.0.1:${s.metricsPort}/metrics`);
    console.log(
      `  compare page ${page.url}   (both apps side by side: scenarios, live metrics, traces)`,
    );
    if (!session) return await serve();
    console.log('\nScripted session, the same steps against each app:\n');

    const clients = apps.map((a) => new SessionClient(a.url));
    const rows: Row[] = [];
    for (const step of steps) {
      const results: Array<StepResult | Error> = [];
      for (const client of clients)
        results.push(await step.run(client).catch((e: unknown) => e as Error));
      const [ex, fa] = results;
      const failed = results.find((r) => r instanceof Error) as Error | undefined;
      const okEx = ex as StepResult;
      const okFa = fa as StepResult;
      const same =
        !failed &&
        okEx.status === okFa.status &&
        isDeepStrictEqual(okEx.normalized, okFa.normalized);
      rows.push({
        step: step.name,
        same,
        status: failed
          ? 'error'
          : okEx.status === okFa.status
            ? String(okEx.status)
            : `${okEx.status}/${okFa.status}`,
        expressMs: ex instanceof Error ? undefined : okEx.ms,
        fastifyMs: fa instanceof Error ? undefined : okFa.ms,
        ...(failed
          ? { note: failed.message }
          : same
            ? {}
            : {
                note: `express ${JSON.stringify(okEx.normalized)} ≠ fastify ${JSON.stringify(okFa.normalized)}`,
              }),
      });
    }
    console.log(renderTable(rows));
    page.setParity(rows);
    const allSame = rows.every((r) => r.same);
    console.log(
      `\n${rows.filter((r) => r.same).length}/${rows.length} steps gave the same status and body in both apps.`,
    );
    if (once) return (await shutdown()) || (allSame ? 0 : 1);
    return await serve();
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await shutdown();
    return 1;
  }
}

process.exitCode = await main();
