// Runs in a fresh process for each round of scenario 4 and prints one JSON line: ns per call
// for each way of finding a bot's class. Plain JavaScript run by plain node against the built
// @switchyard/domain, so that no TypeScript loader sits in front of import() and require().
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { bots } from '@switchyard/domain';

const hr = () => process.hrtime.bigint();
const MJS = new URL('./fixtures/echo-bot.mjs', import.meta.url).href;
const CJS = fileURLToPath(new URL('./fixtures/echo-bot.cjs', import.meta.url));
const scale = Number(process.argv[2] ?? 1);

// First: the very first import of the bot module in this process, after the domain (and its
// registry) has loaded, as in an app serving its first request.
let t = hr();
await import(MJS);
const firstImport = Number(hr() - t);

const require = createRequire(import.meta.url);
t = hr();
require(CJS);
const firstRequire = Number(hr() - t);

/** @param {number} n @param {(i: number) => unknown} fn @returns {Promise<number>} */
async function perCall(n, fn) {
  for (let i = 0; i < Math.min(n, 1000); i++) await fn(i); // warm-up
  const began = hr();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(hr() - began) / n;
}

/** @type {unknown} */
let sink;
const resolveNs = await perCall(Math.round(1_000_000 * scale), () => {
  sink = bots.resolve('echo');
});
// A sync loop: the await in perCall is the same for every row, so measure the lookup alone too.
const n = Math.round(2_000_000 * scale);
let began = hr();
for (let i = 0; i < n; i++) sink = bots.resolve('echo');
const resolveSyncNs = Number(hr() - began) / n;

let v = 0;
const coldImportNs = await perCall(Math.round(400 * scale), async () => {
  sink = await import(`${MJS}?v=${v++}`);
});
const warmImportNs = await perCall(Math.round(5_000 * scale), async () => {
  sink = await import(MJS);
});
const coldRequireNs = await perCall(Math.round(400 * scale), () => {
  delete require.cache[CJS];
  sink = require(CJS);
});
began = hr();
const m = Math.round(200_000 * scale);
for (let i = 0; i < m; i++) sink = require(CJS);
const warmRequireNs = Number(hr() - began) / m;

if (!sink) throw new Error('nothing resolved');
process.stdout.write(
  `${JSON.stringify({ firstImport, firstRequire, resolveNs, resolveSyncNs, coldImportNs, warmImportNs, coldRequireNs, warmRequireNs })}\n`,
);
