// `npm test`'s last step: every project's lint, typecheck and tests through Nx, with the contract
// suite (e2e/contract) started at once beside them rather than when Nx reaches it.
//
// Nx starts a task when one of its parallel slots frees up, and the contract's tests were the
// last it reached: 556 s into the stop-25 rehearsal, after which they set the end of the run for
// another 1,000 s. They mostly wait (on spawned apps, timers, sockets) while the other projects
// mostly compute, so running both from the start uses the wait. The contract's Vitest run needs
// no build (it imports the workspace's sources through the @switchyard/source condition), and its
// lint and typecheck run through Nx once the rest is done, on the builds that run left.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const CONTRACT = '@switchyard/e2e-contract';
const NX = 'node_modules/.bin/nx';

/**
 * Runs a command and resolves with its exit code. Its output goes to ours line by line (two
 * processes writing to one pipe could otherwise cut each other's lines), each line after
 * `prefix`: Nx prefixes its own tasks' lines; .ci/summarize.mjs reads the contract's with the
 * prefix Nx would have given them.
 */
function run(command: string, args: readonly string[], prefix = ''): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    for (const stream of [child.stdout, child.stderr]) {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
    }
    child.on('error', (error) => {
      process.stdout.write(`${prefix}could not start ${command}: ${error.message}\n`);
      resolve(1);
    });
    // 'close' rather than 'exit': every line has been read by then.
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const nxOptions = ['--outputStyle=stream'];
const contract = run(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--root', 'e2e/contract'],
  `${CONTRACT}: `,
);
const rest = run(NX, [
  'run-many',
  '-t',
  'lint',
  'typecheck',
  'test',
  `--exclude=${CONTRACT}`,
  ...nxOptions,
]);
// The contract project's lint and typecheck, on what the run above built (its dependencies'
// declarations): without --excludeTaskDependencies Nx would build and typecheck them again.
const checks = rest.then(() =>
  run(NX, [
    'run-many',
    '-t',
    'lint',
    'typecheck',
    '-p',
    CONTRACT,
    '--excludeTaskDependencies',
    ...nxOptions,
  ]),
);

const codes = await Promise.all([rest, checks, contract]);
const names = [
  'the other projects (Nx)',
  `${CONTRACT} lint and typecheck (Nx)`,
  `${CONTRACT} tests`,
];
const failed = names.filter((_, i) => codes[i] !== 0);
if (failed.length > 0) {
  process.stdout.write(`\nnpm test failed in: ${failed.join('; ')}\n`);
  process.exitCode = 1;
}
