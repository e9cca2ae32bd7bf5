// npm start: the upstream stand-in, then both apps side by side on embedded Postgres (or on
// DATABASE_URL), a scripted session against both, and a table that compares them. Then it
// keeps serving until Ctrl-C. `--once` exits after the table (used by the tests).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { startUpstream } from '@switchyard/testing';
import { startApp, waitReady, WORKSPACE, type AppProcess } from './processes.js';
import { SessionClient, steps, type StepResult } from './session.js';
import { renderTable, type Row } from './table.js';

const once = process.argv.includes('--once');
const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

async function main(): Promise<number> {
  // Listen for Ctrl-C from the first moment: a signal that arrives before a listener exists
  // would kill this process with its default action and leave the apps without a clean stop.
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
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
  const dbEnv = (name: string): Record<string, string> => {
    if (process.env['DATABASE_URL']) return {};
    const dir = path.join(dataRoot, name);
    mkdirSync(dir, { recursive: true });
    return { PGLITE_DATA_DIR: dir };
  };

  console.log(`Switchyard: starting the upstream stand-in and both apps on ${database}…`);
  const apps: AppProcess[] = await Promise.all([
    startApp('express-api', port('EXPRESS_PORT', 3001), { ...shared, ...dbEnv('express-api') }),
    startApp('fastify-api', port('FASTIFY_PORT', 3002), { ...shared, ...dbEnv('fastify-api') }),
  ]);
  let stopping = false;
  const shutdown = async (): Promise<number> => {
    stopping = true;
    const exits = await Promise.all(apps.map((a) => a.stop({ graceMs: 12_000 })));
    await upstream.close();
    await proxied.close();
    return exits.every((e) => e.code === 0) ? 0 : 1;
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
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    await shutdown();
    return 1;
  }
}

process.exitCode = await main();
