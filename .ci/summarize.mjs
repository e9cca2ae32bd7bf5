// Adds up Vitest's per-project "Tests  N passed | M failed" lines into one closing line that
// CI reads: "N passed, N failed, N skipped".
import { readFileSync } from 'node:fs';

const text = readFileSync(process.argv[2], 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
const totals = { passed: 0, failed: 0, skipped: 0 };
let runs = 0;
for (const line of text.split('\n')) {
  const m = /^(?:\S+:\s+)?\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line);
  if (!m) continue;
  runs += 1;
  for (const part of m[1].split('|')) {
    const [, n, kind] = /(\d+)\s+(passed|failed|skipped|todo)/.exec(part) ?? [];
    if (kind === 'todo') totals.skipped += Number(n);
    else if (kind) totals[kind] += Number(n);
  }
}
console.log(`\n${runs} vitest runs`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
