// Runs the stand-in upstream on its own: `npx tsx apps/upstream/src/main.ts` or `nx serve`.
import { loadConfig, type Env } from './config.js';
import { startUpstream } from '@switchyard/testing';

let config: Env;
try {
  config = loadConfig(process.env);
} catch (error) {
  const { code, message } = error as { code?: string; message: string };
  console.error(`@switchyard/upstream: ${code ?? 'error'}: ${message}`);
  process.exit(1);
}

const upstream = await startUpstream({
  port: config.PORT,
  host: config.HOST,
  latencyMs: config.UPSTREAM_LATENCY_MS,
  public: config.UPSTREAM_PUBLIC === 'true',
  ...(config.UPSTREAM_CONTROL_TOKEN ? { controlToken: config.UPSTREAM_CONTROL_TOKEN } : {}),
});
console.log(`@switchyard/upstream listening on ${upstream.url}`);
// Whoever started it may read the log; a proxy in front of it never forwards this header.
if (upstream.controlToken) {
  console.log(
    `  request log: GET ${upstream.url}/__requests with x-upstream-control: ${upstream.controlToken}`,
  );
}

function shutdown(signal: NodeJS.Signals): void {
  // A second signal means "now": close() has not finished, so leave without waiting for it.
  process.once(signal, () => process.exit(1));
  upstream.close().then(
    () => {
      process.exitCode = 0;
    },
    (error: unknown) => {
      console.error('@switchyard/upstream: close failed', error);
      process.exitCode = 1;
    },
  );
}

process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
