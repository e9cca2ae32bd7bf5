#!/usr/bin/env node
// Installed from npm, the package holds dist/index.js, built by scripts/build.ts: this calls its
// `main`. From a clone (src/ is here, dist/ is not shipped there) the CLI is TypeScript, and
// @switchyard/feature-map resolves to its source only under the workspace's export condition,
// which Node takes on its command line alone: so this runs src/cli.ts in a child node with tsx
// and the condition, and passes its exit code on. tsx is a devDependency of the clone only.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
if (existsSync(cli)) {
  const tsx = import.meta.resolve('tsx');
  const result = spawnSync(
    process.execPath,
    ['--import', tsx, '--conditions=@switchyard/source', cli, ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  if (result.error) throw result.error;
  process.exitCode = result.status ?? 1;
} else {
  const { main } = await import('../dist/index.js');
  process.exitCode = main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
