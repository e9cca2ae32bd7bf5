// Adds up Vitest's per-project "Tests  N passed | M failed" lines into one closing line that
// CI reads: "N passed, N failed, N skipped". Each argument is a log, optionally with a label
// (`<file>=<label>`, e.g. the Node version it ran on): one line per labelled run comes first.
import { readFileSync } from 'node:fs';

const strip = (text) => text.replace(/\u001b\[[0-9;]*m/g, '');
const runs = process.argv.slice(2).map((arg) => {
  const at = arg.indexOf('=');
  const file = at === -1 ? arg : arg.slice(0, at);
  return {
    file,
    label: at === -1 ? file : arg.slice(at + 1),
    text: strip(readFileSync(file, 'utf8')),
  };
});

function count(text) {
  const totals = { passed: 0, failed: 0, skipped: 0, vitestRuns: 0 };
  for (const line of text.split('\n')) {
    const m = /^(?:\S+:\s+)?\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line);
    if (!m) continue;
    totals.vitestRuns += 1;
    for (const part of m[1].split('|')) {
      const [, n, kind] = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part) ?? [];
      if (kind === 'todo') totals.skipped += Number(n);
      else if (kind) totals[kind] += Number(n);
    }
  }
  return totals;
}

const counts = (t) => `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped`;
const totals = { passed: 0, failed: 0, skipped: 0, vitestRuns: 0 };
console.log('');
for (const run of runs) {
  const t = count(run.text);
  for (const key of Object.keys(totals)) totals[key] += t[key];
  // A run that printed no Vitest summary at all (a crash before the first file) is a failure.
  const none = t.vitestRuns === 0 ? ' (no Vitest summary: the run did not finish)' : '';
  if (none) process.exitCode = 1;
  console.log(`${run.label}: ${counts(t)} in ${t.vitestRuns} vitest runs${none}`);
}
// Every skip in the suites is a placeholder with its reason ("(skipped: …)"), taken only when a
// service is missing outside CI. Under CI=true a skipped test is a failure, never a pass.
if (process.env.CI === 'true' && totals.skipped > 0) {
  console.log(`${totals.skipped} test(s) skipped under CI=true: the run fails`);
  process.exitCode = 3;
}
const text = runs[0]?.text ?? '';

// The reliability suites (e2e/contract, tools/bench load) print `<suite>: <app>: <n> cases`
// when they register, and the load test one `load: <app> <mode>: …` line per case it ran.
const APPS = ['express-api', 'fastify-api', 'bridge-api'];
const cases = new Map();
const add = (suite, app, n) => {
  const row = cases.get(suite) ?? {};
  row[app] = (row[app] ?? 0) + n;
  cases.set(suite, row);
};
for (const line of text.split('\n')) {
  const counted =
    /^(?:\S+:\s+)?([a-z][a-z -]*): (express-api|fastify-api|bridge-api): (\d+) cases\s*$/.exec(
      line,
    );
  if (counted) add(counted[1], counted[2], Number(counted[3]));
  const load = /^(?:\S+:\s+)?load: (express-api|fastify-api|bridge-api) (single|cluster): /.exec(
    line,
  );
  if (load) add('load (single and cluster)', load[1], 1);
}
if (cases.size > 0) {
  const width = Math.max(...[...cases.keys()].map((s) => s.length));
  console.log(`\nreliability cases registered in the first run (suite: ${APPS.join(', ')})`);
  for (const [suite, row] of cases) {
    console.log(
      `  ${suite.padEnd(width)}  ${APPS.map((app) => String(row[app] ?? 0).padStart(4)).join('  ')}`,
    );
  }
}

// The failed tests by name, with the first lines of each error, last before the closing line:
// only the tail of a CI log is kept on record, and the names would otherwise scroll out of it.
// Under each "Failed Tests" heading (one per Vitest run; Nx may prefix lines with the project)
// Vitest prints each failure as `FAIL  <file> > <describe> > <test>`, then the error.
const FAILURE_LINES = 8;
const FAIL = /^(?:\S+:\s+)?\s*FAIL\s/;
const END_OF_ERROR = /^(?:\S+:\s+)?\s*⎯+(?:\[\d+\/\d+\]⎯)?\s*$/;
for (const run of runs) {
  const lines = run.text.split('\n');
  const failures = [];
  let listing = false;
  for (let i = 0; i < lines.length; i += 1) {
    if (/⎯+ Failed Tests \d+ ⎯+/.test(lines[i])) listing = true;
    else if (/^(?:\S+:\s+)?\s*Test Files\s/.test(lines[i])) listing = false;
    if (!listing || !FAIL.test(lines[i])) continue;
    const detail = [];
    for (let j = i + 1; j < lines.length && detail.length < FAILURE_LINES; j += 1) {
      if (FAIL.test(lines[j]) || END_OF_ERROR.test(lines[j])) break;
      if (lines[j].trim() !== '') detail.push(`      ${lines[j].trim().slice(0, 200)}`);
    }
    failures.push(`  ${lines[i].trim()}`, ...detail);
  }
  if (failures.length > 0) console.log(`\nfailed in ${run.label}:\n${failures.join('\n')}`);
}

console.log(`\n${counts(totals)}`);
