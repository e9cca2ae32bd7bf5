// node:http plus the one thing Express does to every request before routing: it swaps the
// prototypes of req and res for its own (Object.setPrototypeOf, express/lib/application.js in 5.x,
// lib/middleware/init.js in 4.x). Used by src/profile-express.ts to test whether that swap is
// what makes Express so much slower on Node 20 and 22 than on 24; not part of the bench's report.
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

const request = Object.create(IncomingMessage.prototype, {
  app: { value: 'stand-in', enumerable: true },
});
const response = Object.create(ServerResponse.prototype, {
  app: { value: 'stand-in', enumerable: true },
});
const body = JSON.stringify({ hello: 'world' });
const server = createServer((req, res) => {
  Object.setPrototypeOf(req, request);
  Object.setPrototypeOf(res, response);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
  res.end(body);
});
server.listen(Number(process.env['PORT'] ?? 0), process.env['HOST'] ?? '127.0.0.1');
process.on('SIGTERM', () => server.close());
