import type { IncomingHttpHeaders } from 'node:http';
import { UpstreamError, UpstreamErrorCode } from './errors.js';

/** Longest wait any request can ask for: latency, delay and slow bodies alike. */
export const MAX_WAIT_MS = 60_000;
export const DEFAULT_SLOW_MS = 2_000;
export const DEFAULT_FAULT_STATUS = 503;
/** Request header that injects a fault, for callers that cannot change the URL (proxies). */
export const FAULT_HEADER = 'x-upstream-fault';

// The last five are content faults (lib/content-faults.ts): a standing fault only.
export const FAULTS = [
  'hang',
  'reset',
  'slow',
  '5xx',
  'close',
  'huge',
  'wordy',
  'longline',
  'drip',
  'nul',
] as const;
export type Fault = (typeof FAULTS)[number];

/** What a request asked for through `latency=`, `fault=` (or the header), `status=`, `slowMs=`. */
export interface Overrides {
  readonly latencyMs: number | undefined;
  readonly fault: Fault | undefined;
  /** Status of a `5xx` fault. */
  readonly status: number;
  /** Time a `slow` fault spreads the body over. */
  readonly slowMs: number;
  /** Size of a `huge` body or a `longline` line (standing faults only). */
  readonly bytes?: number;
}

export const NO_OVERRIDES: Overrides = Object.freeze({
  latencyMs: undefined,
  fault: undefined,
  status: DEFAULT_FAULT_STATUS,
  slowMs: DEFAULT_SLOW_MS,
});

type Query = Readonly<Record<string, unknown>>;

function badRequest(message: string): UpstreamError {
  return new UpstreamError(UpstreamErrorCode.BAD_REQUEST, message);
}

function single(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw badRequest(`${name} must be given once`);
  return value;
}

function integer(name: string, value: unknown, min: number, max: number): number | undefined {
  const text = single(name, value);
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw badRequest(`${name} must be an integer from ${min} to ${max}, got "${text}"`);
  }
  return Number(text);
}

function isFault(value: string): value is Fault {
  return (FAULTS as readonly string[]).includes(value);
}

/**
 * Reads the per-request overrides. The query string wins over the header. `status` and `slowMs`
 * are read only with the fault they tune, so `/get?status=x` still echoes `status` as an arg.
 * Throws SWY_ERR_STANDIN_BAD_REQUEST for a value it cannot honour.
 */
export function parseOverrides(query: Query, headers: IncomingHttpHeaders): Overrides {
  const latencyMs = integer('latency', query['latency'], 0, MAX_WAIT_MS);
  const named = single('fault', query['fault']) ?? single(FAULT_HEADER, headers[FAULT_HEADER]);
  if (named === undefined && latencyMs === undefined) return NO_OVERRIDES;
  if (named !== undefined && !isFault(named)) {
    throw badRequest(`fault must be one of ${FAULTS.join(', ')}, got "${named}"`);
  }
  return {
    latencyMs,
    fault: named,
    status:
      named === '5xx'
        ? (integer('status', query['status'], 500, 599) ?? DEFAULT_FAULT_STATUS)
        : DEFAULT_FAULT_STATUS,
    slowMs:
      named === 'slow'
        ? (integer('slowMs', query['slowMs'], 0, MAX_WAIT_MS) ?? DEFAULT_SLOW_MS)
        : DEFAULT_SLOW_MS,
  };
}
