import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RouterError, RouterErrorCode } from './errors.js';
import { Router } from './router.js';

type Target = new () => unknown;

/**
 * The plain model: each router's own registrations and its include links, from which the
 * flattened view is recomputed from scratch on every question. A key reached twice (two
 * registrations, or one registration through two paths) is a duplicate.
 */
interface ModelRouter {
  readonly own: Array<readonly [string, Target]>;
  readonly links: number[];
}

type Model = ModelRouter[];

function flatten(model: Model, index: number): Array<readonly [string, Target]> {
  const router = model[index]!;
  const entries = [...router.own];
  for (const child of router.links) entries.push(...flatten(model, child));
  return entries;
}

function hasDuplicate(model: Model): boolean {
  return model.some((_, index) => {
    const keys = flatten(model, index).map(([key]) => key);
    return new Set(keys).size !== keys.length;
  });
}

function reaches(model: Model, from: number, to: number): boolean {
  return from === to || model[from]!.links.some((child) => reaches(model, child, to));
}

type Op =
  | { readonly kind: 'register'; readonly into: number; readonly key: string }
  | { readonly kind: 'include'; readonly into: number; readonly child: number };

type Outcome = 'ok' | RouterErrorCode;

/** Applies `op` to a copy of the model and says what the router must do. */
function predict(model: Model, op: Op, target: Target): { outcome: Outcome; next: Model } {
  const next = model.map((router) => ({ own: [...router.own], links: [...router.links] }));
  if (op.kind === 'register') {
    next[op.into]!.own.push([op.key, target]);
  } else {
    if (reaches(model, op.child, op.into)) {
      return { outcome: RouterErrorCode.INCLUDE_CYCLE, next: model };
    }
    next[op.into]!.links.push(op.child);
  }
  return hasDuplicate(next)
    ? { outcome: RouterErrorCode.DUPLICATE_KEY, next: model }
    : { outcome: 'ok', next };
}

const ROUTERS = 3;
// Few keys and routers, so that duplicates (direct, through includes, through diamonds) are common.
const keyArb = fc.constantFrom('a', 'b', 'c');
const routerArb = fc.nat({ max: ROUTERS - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('register' as const), into: routerArb, key: keyArb }),
  fc.record({ kind: fc.constant('include' as const), into: routerArb, child: routerArb }),
);

function run(routers: Array<Router<Target>>, op: Op, target: Target): Outcome {
  try {
    if (op.kind === 'register') routers[op.into]!.register(op.key, target);
    else routers[op.into]!.include(routers[op.child]!);
    return 'ok';
  } catch (error) {
    if (error instanceof RouterError) return error.code;
    throw error;
  }
}

/** For every router: its key set, its size, and what `resolve` gives for every key any router has. */
function expectAgreement(routers: Array<Router<Target>>, model: Model): void {
  const flattened = routers.map((_, index) => new Map(flatten(model, index)));
  const everyKey = [...new Set(flattened.flatMap((map) => [...map.keys()]))].sort();
  const seen = (
    lookup: (key: string) => Target | undefined,
    keys: Iterable<string>,
    size: number,
  ) => ({
    keys: [...keys].sort(),
    size,
    resolved: everyKey.map((key) => [key, lookup(key)]),
  });

  expect(
    routers.map((router) => seen((key) => router.resolve(key), router.keys(), router.size)),
  ).toEqual(flattened.map((map) => seen((key) => map.get(key), map.keys(), map.size)));
}

describe('Router (model-based)', () => {
  it('agrees with a from-scratch model after every register and include, and changes nothing when it throws', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 30, size: 'medium' }), (ops) => {
        const routers = Array.from(
          { length: ROUTERS },
          (_, index) => new Router<Target>({ name: `r${index}` }),
        );
        let model: Model = routers.map(() => ({ own: [], links: [] }));

        for (const op of ops) {
          const target: Target = class {};
          const before = routers.map((router) => router.entries());
          const { outcome, next } = predict(model, op, target);

          expect(run(routers, op, target)).toBe(outcome);
          if (outcome === 'ok') model = next;
          else expect(routers.map((router) => router.entries())).toEqual(before);
          expectAgreement(routers, model);
        }
      }),
      { numRuns: 200 },
    );
  });
});
