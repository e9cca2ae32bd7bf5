// Measures how long each app, run from its main with the default settings, keeps a request whose
// body never finishes: all three at once, each sent the headers and 3 bytes of a 100-byte body.
// Prints, per app, whether the server closed the connection within LIMIT_MS (45 s unless set),
// after how long, and the status line it answered with (docs/reliability.md, "Server timeouts").
//
//   node --import tsx --conditions=@switchyard/source tools/start/src/measure-slow-body.ts
import { connect } from 'node:net';
import { spawnApp, startUpstream } from '@switchyard/testing';

const apps = ['express-api', 'fastify-api', 'bridge-api'];
const upstream = await startUpstream();
const results = await Promise.all(
  apps.map(async (name) => {
    const app = await spawnApp({
      name,
      entry: `apps/${name}/src/main.ts`,
      env: {
        MODEL_URL: upstream.url,
        KNOWLEDGE_URL: upstream.url,
        LOG_LEVEL: 'silent',
        DATABASE_URL: '',
        REDIS_URL: '',
      },
      ready: { path: '/health', timeoutMs: 120_000 },
    });
    const socket = connect(app.port, '127.0.0.1');
    await new Promise((r) => socket.once('connect', r));
    let data = '';
    socket.on('data', (c) => (data += c));
    const began = performance.now();
    socket.write(
      `POST /v1/accounts HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"u`,
    );
    const limit = Number(process.env['LIMIT_MS'] ?? 45_000);
    const ended = await Promise.race([
      new Promise<string>((r) => socket.on('close', () => r('closed'))),
      new Promise<string>((r) => setTimeout(() => r('still open'), limit)),
    ]);
    const ms = Math.round(performance.now() - began);
    socket.destroy();
    await app.stop({ graceMs: 5_000 });
    return `${name}: ${ended} after ${ms} ms; answer: ${data.split('\r\n')[0] || '(none)'}`;
  }),
);
console.log(results.join('\n'));
await upstream.close();
