// Times `scan` on a generated app of about 50,000 lines (issue 15's target: under 10 s here).
//   node --import tsx --conditions=@switchyard/source tools/migrate/scripts/bench-scan.ts [files]
// Prints the line count, the findings and the wall time of each of three runs in one process
// (the first also loads TypeScript's compiler), then the median.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scan } from '../src/lib/scan.js';
import { generateApp } from '../src/lib/generated-app.js';

const files = Number(process.argv[2] ?? 500);
const dir = mkdtempSync(join(tmpdir(), 'switchyard-migrate-bench-'));
try {
  const lines = generateApp(dir, files);
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const start = performance.now();
    const report = scan(dir);
    const ms = performance.now() - start;
    times.push(ms);
    console.log(
      `run ${run + 1}: ${lines} lines, ${report.files} files, ${report.routes.length} routes, ${report.blocking.length} blocking, ${(ms / 1000).toFixed(2)} s`,
    );
  }
  const median = [...times].sort((a, b) => a - b)[1]!;
  console.log(`median ${(median / 1000).toFixed(2)} s (Node ${process.versions.node})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
