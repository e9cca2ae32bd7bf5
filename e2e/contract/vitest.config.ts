import { configDefaults } from 'vitest/config';
import { projectConfig } from '../../vitest.shared.ts';

/**
 * The files that time the apps' own timers against a tight bound (an upstream timeout within
 * 10 %, the server's timeouts, the shutdown deadline, the pool's connect timeout). A fresh-clone
 * CI rehearsal saw 1,706 ms for a 1,500 ms timeout with two files at once beside the other
 * projects Nx runs, so these run one at a time, after the rest.
 */
const TIMED = [
  'test/upstream-faults.test.ts',
  'test/timeouts.test.ts',
  'test/shutdown.test.ts',
  'test/database-outage.test.ts',
];

// The rest, two files at a time. A suite mostly waits (for a spawned app to start, a timer, a
// socket to close): the whole run used about 10 CPU minutes in 33 minutes of wall time one file
// at a time (session 7, `time vitest run --root e2e/contract`), so a second file uses a core
// that was idle. Every database, Redis key prefix and port is fresh per test, so files never meet.
export default projectConfig({
  // Each project names its own files: a project that extends this config adds its include to
  // the root's rather than replacing it.
  include: [],
  projects: [
    {
      extends: true,
      test: {
        name: 'contract',
        include: ['test/**/*.test.ts'],
        exclude: [...configDefaults.exclude, ...TIMED],
        maxWorkers: 2,
        sequence: { groupOrder: 0 },
      },
    },
    {
      extends: true,
      test: { name: 'timed', include: TIMED, maxWorkers: 1, sequence: { groupOrder: 1 } },
    },
  ],
});
