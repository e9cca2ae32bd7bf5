// The HTTP contract (e2e/contract, runApiContract) through HAProxy in front of three instances
// of each app on one PostgreSQL database and Redis.
import { reportCases, runApiContract } from '@switchyard/e2e-contract';
import { afterAll, beforeEach, describe } from 'vitest';
import { SCALABLE_APPS, type ScalableAppName } from '../src/index.js';
import { balanced, postgresTarget } from './support.js';

const target = await postgresTarget();

for (const app of Object.keys(SCALABLE_APPS) as ScalableAppName[]) {
  describe(`${app}, three instances behind HAProxy`, async () => {
    let cases = 0;
    beforeEach(() => {
      cases += 1;
    });
    // Printed once the cases have run: the count the reliability table shows (CI skips none).
    afterAll(() => reportCases('balancer contract', app, cases));
    await runApiContract(balanced(app), {
      targets: [target],
      failingDependencies: false,
      behindBalancer: true,
    });
  });
}
