import { rateLimited } from '@switchyard/api-spec';
import type { Limiter } from './limiter.js';
import type { Principal } from './principal.js';

/**
 * Takes one unit of `limiter`'s budget for the account, or throws 429 SWY_ERR_RATE_LIMITED with
 * Retry-After. No limiter: no limit (a test or a tool that wires the services by hand).
 */
export async function spendAccountBudget(
  limiter: Limiter | undefined,
  principal: Principal,
): Promise<void> {
  if (!limiter) return;
  const decision = await limiter.consume(principal.accountId);
  if (!decision.allowed) throw rateLimited(decision.retryAfterSeconds * 1000);
}

/** The per-account budgets the routes spend from outside the chat use case. */
export interface AccountLimits {
  /** PROXY_RATE_MAX per PROXY_RATE_WINDOW_MS: one unit per proxied call, 429 past it. */
  proxy(principal: Principal): Promise<void>;
}
