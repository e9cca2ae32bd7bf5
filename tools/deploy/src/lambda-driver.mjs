// Runs in a fresh process (lambda-invoke.ts): imports a Lambda bundle and calls its `handler`
// with each event of a JSON file in turn, as one container would, printing one JSON line per
// step. Plain JavaScript that imports only Node's own modules, so that it runs from a folder
// with no node_modules, as a Lambda container has, and puts no loader in front of the timings.
//
//   node lambda-driver.mjs <bundle.mjs> <events.json>
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventsFile] = process.argv.slice(2);
if (!bundle || !eventsFile) {
  process.stderr.write('usage: lambda-driver.mjs <bundle.mjs> <events.json>\n');
  process.exit(2);
}
const events = JSON.parse(readFileSync(eventsFile, 'utf8'));
const hr = () => process.hrtime.bigint();
const ms = (since) => Number(hr() - since) / 1e6;
const say = (line) => process.stdout.write(`${JSON.stringify(line)}\n`);

/** The parts of Lambda's context object a handler may read. */
const context = (i) => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: 'switchyard-local',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:switchyard-local',
  memoryLimitInMB: '512',
  awsRequestId: `local-${process.pid}-${i}`,
  logGroupName: '/aws/lambda/switchyard-local',
  logStreamName: 'local',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

let began = hr();
const { handler } = await import(pathToFileURL(bundle).href);
// performance.now() counts from the process's start: Node's own start-up plus the import.
say({ step: 'import', ms: ms(began), sinceStartMs: performance.now() });
for (const [i, event] of events.entries()) {
  began = hr();
  const result = await handler(event, context(i));
  const rssBytes = process.memoryUsage.rss();
  say({
    step: 'invoke',
    index: i,
    ms: ms(began),
    sinceStartMs: performance.now(),
    rssBytes,
    result,
  });
}
// The pool would keep the process alive; a Lambda container is frozen here instead.
process.exit(0);
