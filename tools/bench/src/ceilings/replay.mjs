// The framework's ceiling for the app's own bytes: a bare Fastify 5 or Express 5 server
// (BENCH_FRAMEWORK) answering every GET with the status, headers and body of one response the
// app gave (BENCH_REPLY, JSON: { status, headers, body }), a fresh x-request-id each time as the
// apps write. It runs no hook, no authentication and no logging: the distance from the bare
// hello-world to this server is what the response's size costs (helmet's headers, the body);
// the distance from this server to the app is the app's own work. Plain JavaScript, like its
// siblings.
import { randomUUID } from 'node:crypto';

const reply = JSON.parse(process.env['BENCH_REPLY'] ?? 'null');
if (!reply || typeof reply.body !== 'string')
  throw new Error('BENCH_REPLY: { status, headers, body }');
// Node writes these itself, per response.
const PER_RESPONSE = new Set([
  'date',
  'connection',
  'keep-alive',
  'content-length',
  'x-request-id',
]);
const headers = Object.fromEntries(
  Object.entries(reply.headers).filter(([name]) => !PER_RESPONSE.has(name.toLowerCase())),
);
const port = Number(process.env['PORT'] ?? 0);
const host = process.env['HOST'] ?? '127.0.0.1';

const framework = process.env['BENCH_FRAMEWORK'];
if (framework === 'fastify') {
  const { default: Fastify } = await import('fastify');
  const app = Fastify({ logger: false });
  app.get('/*', (_request, res) => {
    res.code(reply.status).headers(headers).header('x-request-id', randomUUID()).send(reply.body);
  });
  app.get('/ready', (_request, res) => {
    res.send('ok');
  });
  await app.listen({ port, host });
  process.on('SIGTERM', () => void app.close());
} else if (framework === 'express') {
  const { default: express } = await import('express');
  const app = express();
  // As express-api: no ETag (it would hash every body).
  app.set('etag', false);
  app.get('/ready', (_req, res) => {
    res.send('ok');
  });
  app.get('/{*path}', (_req, res) => {
    res.status(reply.status).set(headers).set('x-request-id', randomUUID()).send(reply.body);
  });
  const server = app.listen(port, host);
  process.on('SIGTERM', () => server.close());
} else {
  throw new Error(`BENCH_FRAMEWORK=${framework}? fastify or express`);
}
