// The framework's own ceiling: a bare Fastify JSON hello-world with a response schema. Plain
// JavaScript, so that the node scenario runs it on every Node version with no loader.
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const schema = {
  response: {
    200: { type: 'object', properties: { hello: { type: 'string' } }, required: ['hello'] },
  },
};
app.get('/', { schema }, async () => ({ hello: 'world' }));
app.get('/ready', { schema }, async () => ({ hello: 'world' }));
await app.listen({
  port: Number(process.env['PORT'] ?? 0),
  host: process.env['HOST'] ?? '127.0.0.1',
});
process.on('SIGTERM', () => void app.close());
