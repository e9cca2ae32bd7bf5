// npm start: the upstream stand-in, then both apps side by side on embedded Postgres (or on
// DATABASE_URL), a scripted session against both, and a table that compares them. Then it
// keeps serving until Ctrl-C. `--once` exits after the table (used by the tests);
// `--no-session` skips the session and the table and serves at once.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startUpstream } from '@switchyard/testing';
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
    PROXY_SERVICES: JSON.stringify({
      httpbin: { url: proxied.url, paths: ['/get', '/anything/', '/status'] },
    }),
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
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

  console.log(`Switchyard: starting the upstream stand-in and both apps on ${database}…`);
  const apps: AppProcess[] = await Promise.all([
    startApp('express-api', port('EXPRESS_PORT', 3001), { ...shared, ...dbEnv('express-api') }),
    startApp('fastify-api', port('FASTIFY_PORT', 3002), { ...shared, ...dbEnv('fastify-api') }),
  ]);
  // Should this process end some other way, the apps (in process groups of their own, see
  // processes.ts) do not outlive it.
  process.once('exit', () => {
    for (const a of apps)
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill();
  });
  let stopping = false;
  const shutdown = async (): Promise<number> => {
    stopping = true;
    const exits = await Promise.all(apps.map((a) => a.stop({ graceMs: 12_000 })));
    await upstream.close();
    await proxied.close();
    return exits.every((e) => e.code === 0) ? 0 : 1;
  };
  // Until Ctrl-C (or an app exiting on its own), then every app gets one SIGTERM from here.
  const serve = async (): Promise<number> => {
    console.log('\nBoth apps keep serving. Press Ctrl-C to stop everything.');
    await Promise.race([
      interrupted,
      new Promise<void>((resolve) => {
        for (const a of apps) a.child.once('exit', () => !stopping && resolve());
      }),
    ]);
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
