import { databaseTargets } from '@switchyard/persistence/testing';
import { lambdaSubject } from '../src/lambda/subjects.js';
import { runApiContract } from '../src/suites/contract.js';

// Both apps as Lambda functions behind API Gateway's REST API (payload 1.0) and HTTP API
// (payload 2.0), through the stand-in gateway: the HTTP contract (no WebSocket: no event carries
// an upgrade), on the PostgreSQL server, which is what a function uses.
const targets = (await databaseTargets()).filter((target) => target.kind === 'postgres');
for (const version of ['1.0', '2.0'] as const) {
  for (const app of ['fastify-api', 'express-api'] as const) {
    await runApiContract(lambdaSubject(app, version), {
      targets,
      failingDependencies: false,
      stream: false,
    });
  }
}
