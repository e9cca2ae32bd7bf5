import { databaseTargets } from '@switchyard/persistence/testing';
import type { AppUnderTest } from '@switchyard/testing';
import { describeTarget, useEnvironment } from '../support.js';
import { accountCases } from './contract/accounts.js';
import { botCases } from './contract/bots.js';
import { conversationCases } from './contract/conversations.js';
import { docsAndRoutingCases } from './contract/docs-and-routing.js';
import { failingDependencyCases } from './contract/failing-dependencies.js';
import { healthCases } from './contract/health.js';
import { proxyCases } from './contract/proxy.js';
import { streamCases } from './contract/stream.js';

export type { AppUnderTest, StartedApp } from '@switchyard/testing';
// Where the suites found them before the set-up moved to ../support.ts.
export { buildCredentials, expectError } from '../support.js';

/**
 * The API contract every app must meet, against every database target: the embedded PGlite
 * always, and the PostgreSQL server when it answers (always in CI). Each case checks the
 * status, the body (exactly, for errors) and that the response matches the OpenAPI document.
 * One file per concern in ./contract/; this composes them over one environment per target.
 */
export async function runApiContract(subject: AppUnderTest): Promise<void> {
  for (const target of await databaseTargets()) {
    describeTarget(`${subject.name} API contract on ${target.kind}`, target, () => {
      const ctx = useEnvironment(subject, target);
      healthCases(ctx, target);
      accountCases(ctx);
      botCases(ctx);
      conversationCases(ctx);
      proxyCases(ctx);
      streamCases(ctx);
      docsAndRoutingCases(ctx);
    });
    describeTarget(`${subject.name} with failing dependencies on ${target.kind}`, target, () =>
      failingDependencyCases(subject, target),
    );
  }
}

/**
 * The HTTP part of the contract (every case but the WebSocket stream's) on the PostgreSQL
 * server only: for an app run as a Lambda function (e2e/contract/src/lambda), whose events carry
 * no upgrade and which runs on the PostgreSQL server, never an embedded database.
 */
export async function runHttpContractOnPostgres(subject: AppUnderTest): Promise<void> {
  for (const target of await databaseTargets()) {
    if (target.kind !== 'postgres') continue;
    describeTarget(`${subject.name} HTTP contract on ${target.kind}`, target, () => {
      const ctx = useEnvironment(subject, target);
      healthCases(ctx, target);
      accountCases(ctx);
      botCases(ctx);
      conversationCases(ctx);
      proxyCases(ctx);
      docsAndRoutingCases(ctx);
    });
  }
}
