import type { ServerResponse } from 'node:http';
import {
  DEFAULT_FAULT_STATUS,
  DEFAULT_SLOW_MS,
  MAX_WAIT_MS,
  type Fault,
  type Overrides,
} from './overrides.js';
import { DEFAULT_FAULT_BYTES, MAX_FAULT_BYTES } from './content-faults.js';
import { UpstreamError, UpstreamErrorCode } from './errors.js';

export interface StandingFault {
  readonly fault: Fault;
  /** Status of a `5xx` fault. Default 503. */
  readonly status?: number;
  /** Time a `slow` fault spreads the body over. Default 2000. */
  readonly slowMs?: number;
  /** Size of a `huge` body or a `longline` line. Default 16 MiB (DEFAULT_FAULT_BYTES). */
  readonly bytes?: number;
}

/**
 * Runtime control of the stand-in's faults, for callers that cannot choose the URL: a bot's
 * request to `MODEL_URL` carries no `fault=`. A standing fault applies to every request that
 * asks for none itself. It also counts the responses that a `hang` or `slow` fault holds open,
 * so a test can tell whether the client let go of them.
 */
export class FaultSwitch {
  #standing: Overrides | undefined;
  readonly #held = new Set<ServerResponse>();

  /** Every request without overrides of its own gets this fault until `clear()`. */
  set(standing: StandingFault): void {
    const status = standing.status ?? DEFAULT_FAULT_STATUS;
    const slowMs = standing.slowMs ?? DEFAULT_SLOW_MS;
    if (!Number.isInteger(status) || status < 500 || status > 599) {
      throw new UpstreamError(UpstreamErrorCode.INVALID_OPTION, `status must be 500 to 599`);
    }
    if (!Number.isInteger(slowMs) || slowMs < 0 || slowMs > MAX_WAIT_MS) {
      throw new UpstreamError(
        UpstreamErrorCode.INVALID_OPTION,
        `slowMs must be 0 to ${MAX_WAIT_MS}`,
      );
    }
    const bytes = standing.bytes ?? DEFAULT_FAULT_BYTES;
    if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_FAULT_BYTES) {
      throw new UpstreamError(
        UpstreamErrorCode.INVALID_OPTION,
        `bytes must be 1 to ${MAX_FAULT_BYTES}`,
      );
    }
    this.#standing = { latencyMs: undefined, fault: standing.fault, status, slowMs, bytes };
  }

  clear(): void {
    this.#standing = undefined;
  }

  get standing(): Overrides | undefined {
    return this.#standing;
  }

  /** Responses a `hang` or `slow` fault holds whose socket is still open. */
  held(): number {
    return this.#held.size;
  }

  /** Counts `response` as held until it finishes or its socket closes. */
  hold(response: ServerResponse): void {
    if (response.destroyed) return;
    this.#held.add(response);
    response.once('close', () => this.#held.delete(response));
  }
}
