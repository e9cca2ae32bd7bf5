/** A per-key budget (a rate limit or a lock-out), in memory or shared through Redis: the app chooses. */
export interface Limiter {
  /** Takes one unit for `key`; when none is left, says how many seconds until one is. */
  consume(key: string): Promise<LimitDecision>;
  /** Gives `key` its whole budget back (a successful log-in clears the failed attempts). */
  reset(key: string): Promise<void>;
}

export type LimitDecision =
  { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };
