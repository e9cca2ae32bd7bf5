import type { DatabaseTarget } from '@switchyard/persistence/testing';
import type { AppUnderTest } from '@switchyard/testing';
import { contractTargets, describeTarget, useEnvironment } from '../support.js';
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

export interface ApiContractOptions {
  /** The database targets to run on: contractTargets() unless given. */
  readonly targets?: readonly DatabaseTarget[];
  /**
   * The cases on an environment whose dependencies fail (a slow model, no knowledge source, the
   * database closed). True unless given; tools/scale runs the contract through a balancer, where
   * a database gone turns into the balancer's own 503 once its health checks notice.
   */
  readonly failingDependencies?: boolean;
  /**
   * The app runs behind a load balancer, which owns the client connection's hop-by-hop headers:
   * the cases do not ask for the app's `Connection: close`. False unless given.
   */
  readonly behindBalancer?: boolean;
  /**
   * The WebSocket stream's cases. True unless given; an app run as a Lambda function behind API
   * Gateway's REST or HTTP API (e2e/contract/src/lambda) gets events, and no upgrade maps to one.
   */
  readonly stream?: boolean;
}

/**
 * The API contract every app must meet, against every database target: the embedded PGlite
 * always, and the PostgreSQL server when it answers (always in CI). Each case checks the
 * status, the body (exactly, for errors) and that the response matches the OpenAPI document.
 * One file per concern in ./contract/; this composes them over one environment per target.
 */
export async function runApiContract(
  subject: AppUnderTest,
  options: ApiContractOptions = {},
): Promise<void> {
  for (const target of options.targets ?? (await contractTargets())) {
    describeTarget(`${subject.name} API contract on ${target.kind}`, target, () => {
      const ctx = useEnvironment(subject, target);
      healthCases(ctx, target);
      accountCases(ctx);
      botCases(ctx);
      conversationCases(ctx);
      proxyCases(ctx);
      if (options.stream !== false) {
        streamCases(ctx, { behindBalancer: options.behindBalancer ?? false });
      }
      docsAndRoutingCases(ctx);
    });
    if (options.failingDependencies === false) continue;
    describeTarget(`${subject.name} with failing dependencies on ${target.kind}`, target, () =>
      failingDependencyCases(subject, target),
    );
  }
}
