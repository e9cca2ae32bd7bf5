import { RouterError, RouterErrorCode } from './errors.js';
import { checkKey, isValidKey } from './key.js';

/** What a router holds: a class (its statics may carry metadata, such as a bot's name). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Registrable = new (...args: any[]) => unknown;

export interface RouterOptions {
  /** Shown in error messages, e.g. `bots`. */
  readonly name?: string;
}

type Additions<C> = Array<readonly [string, C]>;

/**
 * A keyed registry of classes: `register` or `@router.add(key)` puts a class under a key,
 * `include` merges other routers in, `resolve` and `create` look a key up in O(1).
 *
 * Included routers stay live: a class registered into a child after `include` appears in the
 * parent too, so decorators may run in any module order. Every change is checked in full
 * before anything is written, so a failed registration leaves every router as it was.
 */
export class Router<C extends Registrable> {
  readonly name: string;
  /** Everything reachable from this router, flattened: the O(1) lookup table. */
  readonly #index = new Map<string, C>();
  /** Routers this one is included in. */
  readonly #parents: Array<Router<C>> = [];
  /** Routers included into this one. */
  readonly #children: Array<Router<C>> = [];

  constructor(options: RouterOptions = {}) {
    this.name = options.name ?? 'router';
  }

  /** Number of keys, including those of included routers. */
  get size(): number {
    return this.#index.size;
  }

  /** Registers `target` under `key`. Throws SWY_ERR_ROUTER_INVALID_KEY or _DUPLICATE_KEY. */
  register(key: string, target: C): this {
    if (typeof target !== 'function') {
      throw new TypeError(`${this.name}: only classes can be registered, got ${typeof target}`);
    }
    this.#commit([[checkKey(key), target]]);
    return this;
  }

  /**
   * A standard (TC39) class decorator that registers the class under `key`:
   * `@bots.add('echo') class EchoBot { ... }`. The class must match the router's type.
   */
  add(key: string): (target: C, context: ClassDecoratorContext<C>) => void {
    checkKey(key);
    return (target, context) => {
      if (context?.kind !== 'class') {
        throw new TypeError(`${this.name}.add(${JSON.stringify(key)}) decorates classes only`);
      }
      // Plain JavaScript calls the decorator by hand; without this, `resolve` would miss a key
      // that `keys()` lists.
      if (typeof target !== 'function') {
        throw new TypeError(`${this.name}: only classes can be registered, got ${typeof target}`);
      }
      this.#commit([[key, target]]);
    };
  }

  /** Makes every key of `other` (now and later) resolvable here. */
  include(other: Router<C>): this {
    if (other === this || other.#reaches(this)) {
      throw new RouterError(
        RouterErrorCode.INCLUDE_CYCLE,
        `${this.name}: including ${other.name} would make a cycle`,
      );
    }
    this.#commit([...other.#index]);
    this.#children.push(other);
    other.#parents.push(this);
    return this;
  }

  /** The class under `key`, or undefined when there is none (a malformed key is never there). */
  resolve(key: string): C | undefined {
    return isValidKey(key) ? this.#index.get(key) : undefined;
  }

  has(key: string): boolean {
    return this.resolve(key) !== undefined;
  }

  /** The class under `key`; throws SWY_ERR_ROUTER_UNKNOWN_KEY when there is none. */
  get(key: string): C {
    const target = this.resolve(key);
    if (target === undefined) {
      throw new RouterError(
        RouterErrorCode.UNKNOWN_KEY,
        `${this.name}: nothing is registered under ${JSON.stringify(key)}`,
        typeof key === 'string' ? key : undefined,
      );
    }
    return target;
  }

  /** A new instance of the class under `key`, with typed constructor arguments. */
  create(key: string, ...args: ConstructorParameters<C>): InstanceType<C> {
    const Target = this.get(key);
    return new Target(...args) as InstanceType<C>;
  }

  /** Keys in registration order (included routers' keys where they were included). */
  keys(): string[] {
    return [...this.#index.keys()];
  }

  entries(): Array<[key: string, target: C]> {
    return [...this.#index.entries()];
  }

  [Symbol.iterator](): IterableIterator<[string, C]> {
    return this.#index.entries();
  }

  /** True when `target` is this router or is included in it, directly or not. */
  #reaches(target: Router<C>): boolean {
    const seen = new Set<Router<C>>();
    const stack: Array<Router<C>> = [this];
    while (stack.length > 0) {
      const router = stack.pop()!;
      if (router === target) return true;
      if (seen.has(router)) continue;
      seen.add(router);
      stack.push(...router.#children);
    }
    return false;
  }

  /** Plans the additions for this router and every ancestor, checks them all, then writes. */
  #commit(additions: Additions<C>): void {
    const plan = new Map<Router<C>, Additions<C>>();
    this.#plan(additions, plan);
    for (const [router, list] of plan) {
      const batch = new Set<string>();
      for (const [key] of list) {
        if (router.#index.has(key) || batch.has(key)) {
          throw new RouterError(
            RouterErrorCode.DUPLICATE_KEY,
            `${router.name}: ${JSON.stringify(key)} is already registered`,
            key,
          );
        }
        batch.add(key);
      }
    }
    for (const [router, list] of plan)
      for (const [key, target] of list) router.#index.set(key, target);
  }

  #plan(additions: Additions<C>, plan: Map<Router<C>, Additions<C>>): void {
    if (additions.length === 0) return;
    const list = plan.get(this) ?? [];
    list.push(...additions);
    plan.set(this, list);
    // A router reached twice (a diamond) gets the additions twice: a duplicate, caught above.
    for (const parent of this.#parents) parent.#plan(additions, plan);
  }
}
