import type { SessionEvent } from '../src/lib/sessions/index.js';

/** A logger that keeps nothing: the tests read the events, not the log lines. */
export const quiet = { warn: () => undefined, info: () => undefined };

/** Polls until `check` holds, for at most `ms`: the bound the test is about. */
export async function within(ms: number, check: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The events that are revocations, resets left out. */
export const revocations = (seen: SessionEvent[]) => seen.filter((e) => e.kind !== 'reset');
