export { runApiContract, buildCredentials } from './lib/contract.js';
export { runBadInputSuite } from './lib/bad-input.js';
export type { AppUnderTest, StartedApp } from './lib/contract.js';
export { closedPort, contractConfig, startEnvironment } from './lib/harness.js';
export type { Environment } from './lib/harness.js';
export { expectDocumented } from './lib/openapi-check.js';
export { openSocket } from './lib/ws-client.js';
export type { Frame, OpenSocket, RefusedUpgrade } from './lib/ws-client.js';
export { runRateLimitSuite, TEST_REDIS_URL } from './lib/rate-limit.js';
