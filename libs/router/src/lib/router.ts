import { RouterError, RouterErrorCode } from './errors.js';
import { joinKey, lookupKey, SEPARATOR, type Key } from './key.js';

/** What a router holds: a class (its statics may carry metadata, such as a bot's name). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Registrable = new (...args: any[]) => unknown;

export interface RouterOptions {
  /** Shown in error messages, e.g. `bots`. */
  readonly name?: string;
}

export interface IncludeOptions {
  /** Every key of the included router is stored under this prefix: `support` + `faq` → `support/faq`. */
  readonly prefix?: Key;
}

interface Link<C extends Registrable> {
  readonly router: Router<C>;
  readonly prefix: string | undefined;
}

type Additions<C> = Array<readonly [string, C]>;

function withPrefix(prefix: string | undefined, key: string): string {
  return prefix === undefined ? key : `${prefix}${SEPARATOR}${key}`;
}

/**
 * A keyed registry of classes: `register` or `@router.add(key)` puts a class under a key,
 * `include` composes routers under a prefix, `resolve` and `create` look a key up in O(1).
 *
 * Included routers stay live: a class registered into a child after `include` appears in the
 * parent too, so decorators may run in any module order. Every change is checked in full
 * before anything is written, so a failed registration leaves every router as it was.
 */
export class Router<C extends Registrable> {
  readonly name: string;
  /** Everything reachable from this router, flattened: the O(1) lookup table. */
  readonly #index = new Map<string, C>();
  /** Routers this one is included in, with the prefix each used. */
  readonly #parents: Array<Link<C>> = [];
  /** Routers included into this one. */
  readonly #children: Array<Link<C>> = [];

  constructor(options: RouterOptions = {}) {
    this.name = options.name ?? 'router';
  }

  /** Number of keys, including those of included routers. */
  get size(): number {
    return this.#index.size;
  }

  /** Registers `target` under `key`. Throws SWY_ERR_ROUTER_INVALID_KEY or _DUPLICATE_KEY. */
  register(key: Key, target: C): this {
    if (typeof target !== 'function') {
      throw new TypeError(`${this.name}: only classes can be registered, got ${typeof target}`);
    }
    this.#commit([[joinKey(key), target]]);
    return this;
  }

  /**
   * A standard (TC39) class decorator that registers the class under `key`:
   * `@bots.add('echo') class EchoBot { ... }`. The class must match the router's type.
   */
  add(key: Key): (target: C, context: ClassDecoratorContext<C>) => void {
    const joined = joinKey(key);
    return (target, context) => {
      if (context?.kind !== 'class') {
        throw new TypeError(`${this.name}.add(${JSON.stringify(joined)}) decorates classes only`);
      }
      // Plain JavaScript calls the decorator by hand; without this, `resolve` would miss a key
      // that `keys()` lists.
      if (typeof target !== 'function') {
        throw new TypeError(`${this.name}: only classes can be registered, got ${typeof target}`);
      }
      this.#commit([[joined, target]]);
    };
  }

  /** Makes every key of `other` (now and later) resolvable here, under `prefix` if given. */
  include(other: Router<C>, options: IncludeOptions = {}): this {
    const prefix = options.prefix === undefined ? undefined : joinKey(options.prefix);
    if (other === this || other.#reaches(this)) {
      throw new RouterError(
        RouterErrorCode.INCLUDE_CYCLE,
        `${this.name}: including ${other.name} would make a cycle`,
      );
    }
    const additions: Additions<C> = [];
    for (const [key, target] of other.#index) additions.push([withPrefix(prefix, key), target]);
    this.#commit(additions);
    this.#children.push({ router: other, prefix });
    other.#parents.push({ router: this, prefix });
    return this;
  }

  /** The class under `key`, or undefined when there is none (a malformed key is never there). */
  resolve(key: Key): C | undefined {
    const joined = lookupKey(key);
    return joined === undefined ? undefined : this.#index.get(joined);
  }

  has(key: Key): boolean {
    return this.resolve(key) !== undefined;
  }

  /** The class under `key`; throws SWY_ERR_ROUTER_UNKNOWN_KEY when there is none. */
  get(key: Key): C {
    const target = this.resolve(key);
    if (target === undefined) {
      const shown = typeof key === 'string' ? key : key.join(SEPARATOR);
      throw new RouterError(
        RouterErrorCode.UNKNOWN_KEY,
        `${this.name}: nothing is registered under ${JSON.stringify(shown)}`,
        shown,
      );
    }
    return target;
  }

  /** A new instance of the class under `key`, with typed constructor arguments. */
  create(key: Key, ...args: ConstructorParameters<C>): InstanceType<C> {
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
      for (const child of router.#children) stack.push(child.router);
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
    for (const { router, prefix } of this.#parents) {
      router.#plan(
        additions.map(([key, target]) => [withPrefix(prefix, key), target] as const),
        plan,
      );
    }
  }
}
