import { UpstreamError, UpstreamErrorCode } from './lib/errors.js';
import { MAX_WAIT_MS } from './lib/overrides.js';

export interface UpstreamOptions {
  /** Default latency of the model and sources routes, in ms. Default 0. */
  readonly latencyMs?: number;
  /** Delay between the lines of `/model/stream`, in ms. Default 5. */
  readonly chunkDelayMs?: number;
  /** How many requests the request log keeps. Default 1000. */
  readonly logSize?: number;
  /** Fastify's logger. Default off: the stand-in runs inside tests and benchmarks. */
  readonly logger?: boolean;
}

export type ResolvedOptions = Required<UpstreamOptions>;

function check(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new UpstreamError(
      UpstreamErrorCode.INVALID_OPTION,
      `${name} must be an integer from ${min} to ${max}, got ${value}`,
    );
  }
  return value;
}

/** Fills in the defaults; throws SWY_ERR_STANDIN_INVALID_OPTION for a value out of range. */
export function resolveOptions(options: UpstreamOptions = {}): ResolvedOptions {
  return {
    latencyMs: check('latencyMs', options.latencyMs ?? 0, 0, MAX_WAIT_MS),
    chunkDelayMs: check('chunkDelayMs', options.chunkDelayMs ?? 5, 0, MAX_WAIT_MS),
    logSize: check('logSize', options.logSize ?? 1000, 1, 1_000_000),
    logger: options.logger ?? false,
  };
}
