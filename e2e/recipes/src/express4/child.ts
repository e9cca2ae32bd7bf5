// One recipe app in a process of its own, for the tests of a rejected promise that Express 4
// leaves unhandled: by default Node ends the process for it, and that process must not be the
// test runner. Started by startChild (child-process.ts); prints one JSON line per event.
//   argv: <app: express4 | bridge> <on unhandled rejection: crash | log>
import type { AddressInfo } from 'node:net';
import { buildExpress4Async } from './async-errors.js';
import { buildBridge, legacyRouter } from './bridge.js';

const [app, onRejection] = process.argv.slice(2);
const say = (event: Record<string, unknown>) => console.log(JSON.stringify(event));

if (onRejection === 'log') {
  // What many production apps add: a log line, and the process goes on.
  process.on('unhandledRejection', (reason) => {
    say({ unhandledRejection: reason instanceof Error ? reason.message : String(reason) });
  });
}

if (app === 'express4') {
  const server = buildExpress4Async().listen(0, '127.0.0.1');
  server.once('listening', () => {
    say({ listening: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
  });
} else if (app === 'bridge') {
  const bridge = await buildBridge(legacyRouter());
  say({ listening: await bridge.listen({ port: 0, host: '127.0.0.1' }) });
} else {
  throw new Error(`unknown app ${JSON.stringify(app)}: express4 or bridge`);
}
