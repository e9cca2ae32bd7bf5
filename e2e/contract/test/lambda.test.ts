import { lambdaSubject } from '../src/lambda/subjects.js';
import { runHttpContractOnPostgres } from '../src/suites/contract.js';

// Both apps as Lambda functions behind API Gateway's REST API (payload 1.0) and HTTP API
// (payload 2.0), through the stand-in gateway: the HTTP contract, on the PostgreSQL server.
for (const version of ['1.0', '2.0'] as const) {
  await runHttpContractOnPostgres(lambdaSubject('fastify-api', version));
  await runHttpContractOnPostgres(lambdaSubject('express-api', version));
}
