// The memory peak of each app while a proxied upstream sends a body far past
// PROXY_MAX_RESPONSE_BYTES (default 10 MiB), with and without Content-Length, and whether the
// app answers /health afterwards. Run from the workspace root:
//   node --import tsx --conditions=@switchyard/source e2e/contract/scripts/measure-proxy-cap.ts
// Each app runs in this process with the stand-in, one after another; RSS is sampled every 10 ms.
import { databaseTargets } from '@switchyard/persistence/testing';
import { contractConfig, startUpstream } from '@switchyard/testing';
import { apps } from '../src/apps.js';
import { signUp } from '../src/support.js';

const HUGE = 400 * 1024 * 1024;
const MiB = 1024 * 1024;

const [pglite] = await databaseTargets();
for (const app of apps) {
  const upstream = await startUpstream();
  const db = await pglite!.open();
  // A long timeout, so that a buffered proxy without a cap would read the whole body.
  const config = contractConfig(upstream, { PROXY_TIMEOUT_MS: '120000' });
  const started = await app.start({ config, db });
  const { auth } = await signUp(started.url);
  for (const variant of ['Content-Length', 'streamed, no Content-Length']) {
    const query = variant === 'Content-Length' ? '' : '?stream=1';
    global.gc?.();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const outcome = await fetch(`${started.url}/v1/proxy/httpbin/bytes/${HUGE}${query}`, {
      headers: auth,
    }).then(
      async (res) => {
        // Counted, not kept: the client shares this process and must not be what is measured.
        let bytes = 0;
        const received = await (async () => {
          for await (const chunk of res.body!) bytes += (chunk as Uint8Array).byteLength;
          return `${bytes} bytes`;
        })().catch(() => `cut off after ${bytes} bytes`);
        return `${res.status}, ${received}`;
      },
      (error: Error) => `no response (${error.message})`,
    );
    clearInterval(sampler);
    const health = (await fetch(`${started.url}/health`)).status;
    console.log(
      `${app.name}: 400 MiB upstream body, ${variant}: ${outcome}; RSS peak +${((peak - base) / MiB).toFixed(0)} MiB over ${(base / MiB).toFixed(0)} MiB; /health ${health}`,
    );
  }
  await started.close();
  await db.close();
  await upstream.close();
}
