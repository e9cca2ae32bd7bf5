/** What became of one shadowed request. */
export type ShadowOutcome = 'matches' | 'mismatches' | 'dropped' | 'errors';

export type RouteCounts = Record<ShadowOutcome, number>;

export interface ShadowSnapshot {
  /** Per route key (`GET /v1/bots`), every route of the plan, counted since the process started. */
  readonly routes: Readonly<Record<string, RouteCounts>>;
}

const zero = (): RouteCounts => ({ matches: 0, mismatches: 0, dropped: 0, errors: 0 });

/**
 * The shadow's counters, in one small object: the summary log line prints snapshot(), and a
 * metrics endpoint (issue 19) can read the same. Its keys are the plan's routes, fixed at start,
 * so no request can add one.
 */
export class ShadowCounters {
  readonly #routes = new Map<string, RouteCounts>();

  constructor(routeKeys: readonly string[]) {
    for (const key of routeKeys) this.#routes.set(key, zero());
  }

  count(route: string, outcome: ShadowOutcome): void {
    const counts = this.#routes.get(route);
    if (counts) counts[outcome] += 1;
  }

  snapshot(): ShadowSnapshot {
    return {
      routes: Object.fromEntries([...this.#routes].map(([key, counts]) => [key, { ...counts }])),
    };
  }
}
