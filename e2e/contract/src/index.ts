// The suites every app runs (test/ runs each over every app): one file per concern.
export { runApiContract } from './suites/contract.js';
export type { ApiContractOptions } from './suites/contract.js';
export { reportCases } from './suites/report.js';
export type { App } from './apps.js';
export { GATEWAY_MAX_BODY_BYTES, startGateway } from './lambda/gateway.js';
export type { LambdaHandle, PayloadVersion, RunningGateway } from './lambda/gateway.js';
export { lambdaSubject } from './lambda/subjects.js';
export {
  buildCredentials,
  describeEachTarget,
  describeTarget,
  expectError,
  failOnInternalErrors,
  signUp,
  useEnvironment,
} from './support.js';
export type { Account, GuardedApp, UsedEnvironment } from './support.js';
export { runInternalErrorGuardSuite } from './suites/internal-error-guard.js';
export { runBadInputSuite } from './suites/bad-input.js';
export { expectDocumented } from './suites/openapi-check.js';
export { runRateLimitSuite, TEST_REDIS_URL } from './suites/rate-limit.js';
export { runProxySafetySuite } from './suites/proxy-safety.js';
export { runLogSecrecySuite } from './suites/log-secrecy.js';
export { runUpstreamFaultSuite, FAULT_TIMEOUT_MS } from './suites/upstream-faults.js';
export type { FaultProfile } from './suites/upstream-faults.js';
export { runUpstreamBoundsSuite } from './suites/upstream-bounds.js';
export { runDatabaseOutageSuite } from './suites/database-outage.js';
export { runShutdownSuite } from './suites/shutdown.js';
export { runDrainSuite } from './suites/drain.js';
export { runSecurityHeadersSuite } from './suites/security-headers.js';
export { runAgreedBehaviourSuite } from './suites/agreed-behaviour.js';
export { runClientGoneSuite } from './suites/client-gone.js';
export { runIdempotencySuite } from './suites/idempotency.js';
export { runRouteLimitsSuite } from './suites/route-limits.js';
export { runLoginHardeningSuite } from './suites/login-hardening.js';
export { runParitySuite } from './suites/parity.js';
export { runTimeoutsSuite } from './suites/timeouts.js';
export { runRedisOutageSuite } from './suites/redis-outage.js';
export { runStartupSuite } from './suites/startup.js';
export { runWebSocketLimitsSuite } from './suites/websocket-limits.js';
export { runSessionRevocationSuite } from './suites/session-revocation.js';
