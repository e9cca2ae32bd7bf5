export { buildUpstream, type UpstreamApp } from './app.js';
export { startUpstream, type RunningUpstream, type StartUpstreamOptions } from './server.js';
export { CONTROL_HEADER, type UpstreamOptions } from './options.js';
export type { RequestLog, RequestRecord } from './lib/request-log.js';
export type { FaultSwitch, StandingFault } from './lib/fault-switch.js';
export {
  FAULTS,
  FAULT_HEADER,
  DEFAULT_FAULT_STATUS,
  DEFAULT_SLOW_MS,
  MAX_WAIT_MS,
  type Fault,
} from './lib/overrides.js';
export {
  answerFor,
  completionFor,
  MODEL_NAME,
  type Completion,
  type SourceAnswer,
} from './lib/content.js';
export { UpstreamError, UpstreamErrorCode, upstreamErrorStatus } from './lib/errors.js';
