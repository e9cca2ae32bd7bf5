import { configDefaults } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { projectConfig } from '../../vitest.shared.ts';

/**
 * The files that take longest, longest first (from the stop-26 rehearsal's log, seconds of
 * wall time on a loaded machine: start-up 306, contract 275, bad-input 230, login-hardening
 * 219, session-revocation 214, websocket-limits 203). With no timing cache, as on a fresh clone,
 * Vitest orders files by size, and these 3-line files came in no useful order: start-up,
 * eighteen spawned mains one after another, started last and ended the untimed group 190 s
 * after the other worker had finished. Longest first evens the two workers out.
 */
const LONGEST_FIRST = [
  'test/startup.test.ts',
  'test/contract.test.ts',
  'test/bad-input.test.ts',
  'test/login-hardening.test.ts',
  'test/session-revocation.test.ts',
  'test/websocket-limits.test.ts',
];

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const at = LONGEST_FIRST.findIndex((name) => file.moduleId.endsWith(name));
      return at === -1 ? LONGEST_FIRST.length : at;
    };
    // A stable sort: the files not listed keep the order Vitest gave them.
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

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
  sequence: { sequencer: LongestFirst },
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
