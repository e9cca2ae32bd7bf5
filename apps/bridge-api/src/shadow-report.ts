// The shadow report: `npx nx run @switchyard/bridge-api:shadow-report -- <logfile> [--min-matches N]`
// (or `-` for standard input). Reads the bridge's pino log and prints one line per shadowed route
// with "ready to move" once it has enough matches and no mismatch (docs/migration-guide.md#prove-a-group).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { formatReport, ShadowLogReader } from './shadow/report.js';

const USAGE = 'usage: shadow-report <logfile | -> [--min-matches N]   (default N: 1000)';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { 'min-matches': { type: 'string', default: '1000' }, help: { type: 'boolean' } },
});
const minMatches = Number(values['min-matches']);
if (
  values.help ||
  positionals.length !== 1 ||
  !Number.isSafeInteger(minMatches) ||
  minMatches < 1
) {
  process.stderr.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}
const [file] = positionals as [string];
const input = file === '-' ? process.stdin : createReadStream(file);
input.on('error', (error: Error) => {
  process.stderr.write(`shadow-report: ${error.message}\n`);
  process.exit(1);
});
const reader = new ShadowLogReader();
for await (const line of createInterface({ input, crlfDelay: Infinity })) reader.add(line);
process.stdout.write(`${formatReport(reader.report(minMatches))}\n`);
