import { randomBytes } from 'node:crypto';
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
  /**
   * What a caller must send in the `x-upstream-control` header to read or clear the request log
   * over HTTP (`/__requests`); without it those routes are a 404 like any unknown path, so a
   * proxy that reaches the stand-in cannot read what others sent. Default: random per instance.
   */
  readonly controlToken?: string;
  /**
   * A stand-in anyone may reach (the demo's proxied httpbin): no `/__requests` at all, and no
   * latency or fault overrides from the query or the `x-upstream-fault` header. Default false.
   */
  readonly public?: boolean;
}

export type ResolvedOptions = Required<UpstreamOptions>;

/** Request header that carries the control token (see UpstreamOptions.controlToken). */
export const CONTROL_HEADER = 'x-upstream-control';

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
    controlToken: controlToken(options.controlToken),
    public: options.public ?? false,
  };
}

function controlToken(token: string | undefined): string {
  if (token === undefined) return randomBytes(16).toString('hex');
  if (!/^[\x21-\x7e]{16,256}$/.test(token)) {
    throw new UpstreamError(
      UpstreamErrorCode.INVALID_OPTION,
      'controlToken must be 16 to 256 visible ASCII characters',
    );
  }
  return token;
}
