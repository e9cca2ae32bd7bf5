#!/usr/bin/env node
// From a clone there is no build: the CLI is TypeScript, and @switchyard/feature-map resolves to
// its source only under the workspace's export condition. Node takes conditions on its command
// line alone, so this runs the CLI in a child node with tsx and the condition, and passes its
// exit code on. A published package would point "bin" at a compiled dist/cli.js instead.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const result = spawnSync(
  process.execPath,
  ['--import', tsx, '--conditions=@switchyard/source', cli, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
if (result.error) throw result.error;
process.exitCode = result.status ?? 1;
