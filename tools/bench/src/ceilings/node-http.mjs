// The ceiling: a bare node:http JSON hello-world. Nothing a framework can do is faster. Plain
// JavaScript, so that the node scenario runs it on every Node version with no loader.
import { createServer } from 'node:http';

const body = JSON.stringify({ hello: 'world' });
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body);
});
server.listen(Number(process.env['PORT'] ?? 0), process.env['HOST'] ?? '127.0.0.1');
process.on('SIGTERM', () => server.close());
