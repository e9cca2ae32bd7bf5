// A bare Express JSON hello-world, the same answer as the node:http and Fastify ones. Which
// Express it loads comes from EXPRESS_MODULE: `express` (5.x, the workspace's) or `express4` (the
// bench's npm alias of 4.x). Plain JavaScript, like its siblings, so that every Node version the
// node scenario measures runs it with no TypeScript loader in the process.
const name = process.env['EXPRESS_MODULE'] ?? 'express';
if (name !== 'express' && name !== 'express4') throw new Error(`EXPRESS_MODULE=${name}?`);
const { default: express } = await import(name);

const app = express();
app.get(['/', '/ready'], (_req, res) => {
  res.json({ hello: 'world' });
});
const server = app.listen(Number(process.env['PORT'] ?? 0), process.env['HOST'] ?? '127.0.0.1');
process.on('SIGTERM', () => server.close());
