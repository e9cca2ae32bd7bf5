import { describe, expect, expectTypeOf, it } from 'vitest';
import { RouterError, RouterErrorCode } from './errors.js';
import { Router } from './router.js';

interface Bot {
  readonly label: string;
  reply(text: string): string;
}
type BotClass = new (greeting: string, excited?: boolean) => Bot;

/** A fresh class each call, so `toBe` tells two registrations apart. */
function buildBotClass(label = 'bot'): BotClass {
  return class implements Bot {
    readonly label = label;
    constructor(
      readonly greeting: string,
      readonly excited = false,
    ) {}
    reply(text: string): string {
      return `${this.greeting} ${text}${this.excited ? '!' : ''}`;
    }
  };
}

function buildRouter(name = 'bots'): Router<BotClass> {
  return new Router<BotClass>({ name });
}

/** Everything a router shows from outside, in order: what must not change when an operation fails. */
function snapshot(...routers: Array<Router<BotClass>>): Array<Array<[string, BotClass]>> {
  return routers.map((router) => router.entries());
}

const code = (value: RouterErrorCode) => expect.objectContaining({ code: value });

// Each of these breaks one rule of a key: 1-64 of [A-Za-z0-9._-], alphanumeric at both ends.
const malformedKeys: Array<[string, string]> = [
  ['an empty string', ''],
  ['a blank string', ' '],
  ['a space inside', 'faq bot'],
  ['a "/" inside (a key is one URL path segment)', 'support/faq'],
  ['a leading "/"', '/faq'],
  ['a key of 65 characters', 'a'.repeat(65)],
  ['a key starting with a dash', '-faq'],
  ['a key ending with a dot', 'faq.'],
  ['a non-ASCII letter', 'café'],
  ['a character a URL must escape', 'faq?x'],
  ['a trailing newline', 'faq\n'],
  ['an array, as plain JavaScript might pass', ['faq'] as unknown as string],
  ['a number, as plain JavaScript might pass', 42 as unknown as string],
];

describe('Router', () => {
  describe('constructor', () => {
    it('names the router "router" when no name is given', () => {
      expect(new Router<BotClass>().name).toBe('router');
    });

    it('keeps the given name and starts empty', () => {
      const bots = buildRouter('support');

      expect(bots.name).toBe('support');
      expect(bots.size).toBe(0);
      expect(bots.keys()).toEqual([]);
      expect(bots.entries()).toEqual([]);
      expect([...bots]).toEqual([]);
    });
  });

  describe('register', () => {
    it('stores a class under a key and returns the router for chaining', () => {
      const bots = buildRouter();
      const Faq = buildBotClass();
      const Echo = buildBotClass();

      const returned = bots.register('faq', Faq).register('echo', Echo);

      expect(returned).toBe(bots);
      expect(bots.resolve('faq')).toBe(Faq);
      expect(bots.resolve('echo')).toBe(Echo);
    });

    it('accepts parts at the limits: one character, 64 characters, and . _ - inside', () => {
      const bots = buildRouter();
      const keys = ['a', '7', 'a'.repeat(64), 'Faq.v2_beta-1'];

      for (const key of keys) bots.register(key, buildBotClass());

      expect(bots.keys()).toEqual(keys);
    });

    it('throws a TypeError when the target is not a function, and stores nothing', () => {
      const bots = buildRouter();

      expect(() => bots.register('faq', {} as unknown as BotClass)).toThrow(TypeError);
      expect(() => bots.register('faq', undefined as unknown as BotClass)).toThrow(
        /only classes can be registered/,
      );
      expect(bots.size).toBe(0);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when the key is taken, and keeps the first class', () => {
      const bots = buildRouter();
      const First = buildBotClass();
      bots.register('faq', First);

      expect(() => bots.register('faq', buildBotClass())).toThrow(
        expect.objectContaining({
          name: 'RouterError',
          code: RouterErrorCode.DUPLICATE_KEY,
          key: 'faq',
        }),
      );
      expect(bots.entries()).toEqual([['faq', First]]);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when the same class is registered twice under one key', () => {
      const bots = buildRouter();
      const Faq = buildBotClass();
      bots.register('faq', Faq);

      expect(() => bots.register('faq', Faq)).toThrow(code(RouterErrorCode.DUPLICATE_KEY));
    });

    it('lets one class live under several keys', () => {
      const bots = buildRouter();
      const Faq = buildBotClass();

      bots.register('faq', Faq).register('help', Faq);

      expect(bots.resolve('faq')).toBe(Faq);
      expect(bots.resolve('help')).toBe(Faq);
    });

    it.each(malformedKeys)(
      'throws SWY_ERR_ROUTER_INVALID_KEY for %s, and stores nothing',
      (_case, key) => {
        const bots = buildRouter();

        expect(() => bots.register(key, buildBotClass())).toThrow(
          code(RouterErrorCode.INVALID_KEY),
        );
        expect(bots.size).toBe(0);
      },
    );
  });

  describe('add (standard class decorator)', () => {
    it('registers the decorated class and leaves the class itself unchanged', () => {
      const bots = buildRouter();

      @bots.add('faq')
      class FaqBot implements Bot {
        readonly label = 'faq';
        constructor(readonly greeting: string) {}
        reply(text: string): string {
          return `${this.greeting}, about ${text}`;
        }
      }

      expect(bots.resolve('faq')).toBe(FaqBot);
      expect(new FaqBot('hi').reply('prices')).toBe('hi, about prices');
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when a second class is decorated with a taken key', () => {
      const bots = buildRouter();

      @bots.add('faq')
      class FaqBot implements Bot {
        readonly label = 'faq';
        reply(text: string): string {
          return text;
        }
      }

      expect(() => {
        @bots.add('faq')
        class _OtherFaqBot implements Bot {
          readonly label = 'other';
          reply(text: string): string {
            return text;
          }
        }
      }).toThrow(code(RouterErrorCode.DUPLICATE_KEY));
      expect(bots.entries()).toEqual([['faq', FaqBot]]);
    });

    it('throws SWY_ERR_ROUTER_INVALID_KEY when the decorator is made, before any class is seen', () => {
      const bots = buildRouter();

      expect(() => bots.add('faq bot')).toThrow(code(RouterErrorCode.INVALID_KEY));
      expect(() => bots.add('support/faq')).toThrow(code(RouterErrorCode.INVALID_KEY));
    });

    it('registers when called by hand with a class context, as plain JavaScript does', () => {
      const bots = buildRouter();
      const Faq = buildBotClass();

      bots.add('faq')(Faq, { kind: 'class' } as ClassDecoratorContext<BotClass>);

      expect(bots.resolve('faq')).toBe(Faq);
    });

    it.each([
      ['a method context', { kind: 'method', name: 'reply' }],
      ['a field context', { kind: 'field', name: 'label' }],
      ['no context (a legacy decorator call)', undefined],
    ])('throws a TypeError when applied to %s, and stores nothing', (_case, context) => {
      const bots = buildRouter('support');
      const decorate = bots.add('faq');

      expect(() =>
        decorate(buildBotClass(), context as unknown as ClassDecoratorContext<BotClass>),
      ).toThrow(new TypeError('support.add("faq") decorates classes only'));
      expect(bots.size).toBe(0);
    });

    it('throws a TypeError when the target is not a function, and stores nothing', () => {
      const bots = buildRouter();

      expect(() =>
        bots.add('faq')(
          'FaqBot' as unknown as BotClass,
          { kind: 'class' } as ClassDecoratorContext<BotClass>,
        ),
      ).toThrow(TypeError);
      expect(bots.size).toBe(0);
    });
  });

  describe('include', () => {
    it('makes every key of the child resolvable in the parent', () => {
      const support = buildRouter('support');
      const bots = buildRouter('bots');
      const Faq = buildBotClass();
      support.register('faq', Faq);

      const returned = bots.include(support);

      expect(returned).toBe(bots);
      expect(bots.entries()).toEqual([['faq', Faq]]);
    });

    it('leaves the child unchanged: the child does not see the parent keys', () => {
      const support = buildRouter('support').register('faq', buildBotClass());
      const bots = buildRouter('bots').register('echo', buildBotClass());

      bots.include(support);

      expect(support.keys()).toEqual(['faq']);
      expect(support.resolve('echo')).toBeUndefined();
    });

    it('shows a class registered into the child after the include in the parent and every ancestor', () => {
      const billing = buildRouter('billing');
      const support = buildRouter('support');
      const bots = buildRouter('bots');
      support.include(billing);
      bots.include(support);
      const Refund = buildBotClass();

      billing.register('refund', Refund);

      expect(billing.resolve('refund')).toBe(Refund);
      expect(support.resolve('refund')).toBe(Refund);
      expect(bots.resolve('refund')).toBe(Refund);
      expect(bots.size).toBe(1);
    });

    it('shows a class decorated into the child after the include in the parent', () => {
      const support = buildRouter('support');
      const bots = buildRouter('bots').include(support);

      @support.add('faq')
      class FaqBot implements Bot {
        readonly label = 'faq';
        reply(text: string): string {
          return text;
        }
      }

      expect(bots.get('faq')).toBe(FaqBot);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when a child key is taken in the parent, and links nothing', () => {
      const support = buildRouter('support').register('faq', buildBotClass());
      const bots = buildRouter('bots').register('faq', buildBotClass());
      const before = snapshot(support, bots);

      expect(() => bots.include(support)).toThrow(
        expect.objectContaining({ code: RouterErrorCode.DUPLICATE_KEY, key: 'faq' }),
      );
      expect(snapshot(support, bots)).toEqual(before);

      // No link was made, so later registrations into the child stay in the child.
      support.register('echo', buildBotClass());
      expect(bots.has('echo')).toBe(false);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when a child key is taken in a grandparent, and links nothing', () => {
      const billing = buildRouter('billing').register('refund', buildBotClass());
      const support = buildRouter('support');
      const bots = buildRouter('bots').register('refund', buildBotClass());
      bots.include(support);
      const before = snapshot(billing, support, bots);

      expect(() => support.include(billing)).toThrow(
        expect.objectContaining({
          code: RouterErrorCode.DUPLICATE_KEY,
          key: 'refund',
          message: expect.stringContaining('bots:'),
        }),
      );
      expect(snapshot(billing, support, bots)).toEqual(before);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when the same non-empty child is included twice', () => {
      const support = buildRouter('support').register('faq', buildBotClass());
      const bots = buildRouter('bots').include(support);
      const before = snapshot(support, bots);

      expect(() => bots.include(support)).toThrow(code(RouterErrorCode.DUPLICATE_KEY));
      expect(snapshot(support, bots)).toEqual(before);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when a diamond is closed over a non-empty router, and links nothing', () => {
      const shared = buildRouter('shared').register('faq', buildBotClass());
      const web = buildRouter('web').include(shared);
      const chat = buildRouter('chat').include(shared);
      const bots = buildRouter('bots').include(web);
      const before = snapshot(shared, web, chat, bots);

      expect(() => bots.include(chat)).toThrow(code(RouterErrorCode.DUPLICATE_KEY));
      expect(snapshot(shared, web, chat, bots)).toEqual(before);

      chat.register('echo', buildBotClass());
      expect(bots.has('echo')).toBe(false);
    });

    describe('cycles', () => {
      it('throws SWY_ERR_ROUTER_INCLUDE_CYCLE when a router includes itself', () => {
        const bots = buildRouter('bots').register('faq', buildBotClass());
        const before = snapshot(bots);

        expect(() => bots.include(bots)).toThrow(
          expect.objectContaining({
            code: RouterErrorCode.INCLUDE_CYCLE,
            message: 'bots: including bots would make a cycle',
          }),
        );
        expect(snapshot(bots)).toEqual(before);
      });

      it('throws SWY_ERR_ROUTER_INCLUDE_CYCLE when a child includes its parent', () => {
        const support = buildRouter('support').register('faq', buildBotClass());
        const bots = buildRouter('bots').include(support);
        const before = snapshot(support, bots);

        expect(() => support.include(bots)).toThrow(code(RouterErrorCode.INCLUDE_CYCLE));
        expect(snapshot(support, bots)).toEqual(before);
      });

      it('throws SWY_ERR_ROUTER_INCLUDE_CYCLE when a descendant includes an ancestor several levels up', () => {
        const billing = buildRouter('billing');
        const support = buildRouter('support').include(billing);
        const bots = buildRouter('bots').include(support);
        const before = snapshot(billing, support, bots);

        expect(() => billing.include(bots)).toThrow(code(RouterErrorCode.INCLUDE_CYCLE));
        expect(snapshot(billing, support, bots)).toEqual(before);

        // No link was made: a registration into `bots` still ends in `bots`.
        bots.register('echo', buildBotClass());
        expect(billing.size).toBe(0);
      });

      it('does not mistake a diamond, where two children share a router, for a cycle', () => {
        const shared = buildRouter('shared');
        const web = buildRouter('web').include(shared);
        const chat = buildRouter('chat').include(shared);

        expect(() => buildRouter('bots').include(web).include(chat)).not.toThrow();
      });
    });
  });

  describe('atomicity of propagation', () => {
    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when a registration into a child collides in the grandparent, and changes no router', () => {
      const billing = buildRouter('billing');
      const support = buildRouter('support').include(billing);
      const bots = buildRouter('bots').include(support).register('refund', buildBotClass());
      const before = snapshot(billing, support, bots);

      expect(() => billing.register('refund', buildBotClass())).toThrow(
        expect.objectContaining({ code: RouterErrorCode.DUPLICATE_KEY, key: 'refund' }),
      );
      expect(snapshot(billing, support, bots)).toEqual(before);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when a registration collides with a sibling in the parent, and changes no router', () => {
      const web = buildRouter('web').register('faq', buildBotClass());
      const chat = buildRouter('chat');
      const bots = buildRouter('bots').include(web).include(chat);
      const before = snapshot(web, chat, bots);

      expect(() => chat.register('faq', buildBotClass())).toThrow(
        code(RouterErrorCode.DUPLICATE_KEY),
      );
      expect(snapshot(web, chat, bots)).toEqual(before);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY when a registration reaches one ancestor twice through a diamond', () => {
      // The diamond is closed while `shared` is empty, so the include itself finds no clash.
      const shared = buildRouter('shared');
      const web = buildRouter('web').include(shared);
      const chat = buildRouter('chat').include(shared);
      const bots = buildRouter('bots').include(web).include(chat);

      expect(() => shared.register('faq', buildBotClass())).toThrow(
        expect.objectContaining({ code: RouterErrorCode.DUPLICATE_KEY, key: 'faq' }),
      );
      expect(snapshot(shared, web, chat, bots)).toEqual([[], [], [], []]);
    });

    it('throws SWY_ERR_ROUTER_DUPLICATE_KEY by decorator when the key collides in the parent, and changes no router', () => {
      const support = buildRouter('support');
      const bots = buildRouter('bots').register('faq', buildBotClass()).include(support);
      const before = snapshot(support, bots);

      expect(() => {
        @support.add('faq')
        class _FaqBot implements Bot {
          readonly label = 'faq';
          reply(text: string): string {
            return text;
          }
        }
      }).toThrow(code(RouterErrorCode.DUPLICATE_KEY));
      expect(snapshot(support, bots)).toEqual(before);
    });
  });

  describe('resolve and has', () => {
    it('return the class and true for a registered key', () => {
      const bots = buildRouter();
      const Faq = buildBotClass();
      bots.register('faq', Faq);

      expect(bots.resolve('faq')).toBe(Faq);
      expect(bots.has('faq')).toBe(true);
    });

    it('return undefined and false for a well-formed key that is not registered', () => {
      const bots = buildRouter().register('faq', buildBotClass());

      expect(bots.resolve('echo')).toBeUndefined();
      expect(bots.resolve('Faq')).toBeUndefined();
      expect(bots.resolve('faq.v2')).toBeUndefined();
      expect(bots.has('echo')).toBe(false);
    });

    it.each(malformedKeys)(
      'return undefined and false for %s instead of throwing',
      (_case, key) => {
        const bots = buildRouter().register('faq', buildBotClass());

        expect(bots.resolve(key)).toBeUndefined();
        expect(bots.has(key)).toBe(false);
      },
    );
  });

  describe('get', () => {
    it('returns the class under the key', () => {
      const Faq = buildBotClass();
      const bots = buildRouter().register('faq', Faq);

      expect(bots.get('faq')).toBe(Faq);
    });

    it('throws SWY_ERR_ROUTER_UNKNOWN_KEY for a key that is not registered', () => {
      const bots = buildRouter('bots');

      expect(() => bots.get('faq')).toThrow(
        expect.objectContaining({
          code: RouterErrorCode.UNKNOWN_KEY,
          key: 'faq',
          message: 'bots: nothing is registered under "faq"',
        }),
      );
    });

    it('throws SWY_ERR_ROUTER_UNKNOWN_KEY for a malformed key', () => {
      const bots = buildRouter();

      expect(() => bots.get('faq bot')).toThrow(
        expect.objectContaining({ code: RouterErrorCode.UNKNOWN_KEY, key: 'faq bot' }),
      );
      expect(() => bots.get(['faq'] as unknown as string)).toThrow(
        expect.objectContaining({ code: RouterErrorCode.UNKNOWN_KEY, key: undefined }),
      );
    });

    it('throws an instance of RouterError', () => {
      expect(() => buildRouter().get('faq')).toThrow(RouterError);
    });
  });

  describe('create', () => {
    it('returns a new instance on each call, built with the given constructor arguments', () => {
      const bots = buildRouter().register('faq', buildBotClass('faq'));

      const calm = bots.create('faq', 'hello');
      const excited = bots.create('faq', 'hey', true);

      expect(calm).not.toBe(excited);
      expect(calm.label).toBe('faq');
      expect(calm.reply('there')).toBe('hello there');
      expect(excited.reply('there')).toBe('hey there!');
    });

    it('types its arguments and result from the router class type', () => {
      const bots = buildRouter().register('faq', buildBotClass());

      expectTypeOf(bots.create).parameters.toEqualTypeOf<
        [key: string, greeting: string, excited?: boolean]
      >();
      expectTypeOf(bots.create('faq', 'hi')).toEqualTypeOf<Bot>();
      expectTypeOf(bots.create).toBeCallableWith('faq', 'hi', true);
      // @ts-expect-error the constructor wants a string greeting
      expectTypeOf(bots.create).toBeCallableWith('faq', 42);
    });

    it('throws SWY_ERR_ROUTER_UNKNOWN_KEY for a key that is not registered', () => {
      const bots = buildRouter();

      expect(() => bots.create('faq', 'hi')).toThrow(
        expect.objectContaining({ code: RouterErrorCode.UNKNOWN_KEY, key: 'faq' }),
      );
    });
  });

  describe('keys, entries, size and iteration', () => {
    it('list keys in registration order, with included keys where the include happened', () => {
      const support = buildRouter('support').register('faq', buildBotClass());
      const bots = buildRouter('bots').register('echo', buildBotClass());

      bots.include(support);
      bots.register('weather', buildBotClass());
      support.register('refund', buildBotClass());

      expect(bots.keys()).toEqual(['echo', 'faq', 'weather', 'refund']);
      expect(bots.size).toBe(4);
    });

    it('pair each key with its class in entries() and in for...of, in the same order', () => {
      const Echo = buildBotClass();
      const Faq = buildBotClass();
      const bots = buildRouter().register('echo', Echo).register('faq', Faq);

      const iterated: Array<[string, BotClass]> = [];
      for (const entry of bots) iterated.push(entry);

      expect(bots.entries()).toEqual([
        ['echo', Echo],
        ['faq', Faq],
      ]);
      expect(iterated).toEqual(bots.entries());
      expect(new Map(bots)).toEqual(new Map(bots.entries()));
    });

    it('return copies, so changing them leaves the router as it was', () => {
      const bots = buildRouter().register('echo', buildBotClass());

      bots.keys().push('faq');
      bots.entries().pop();

      expect(bots.keys()).toEqual(['echo']);
      expect(bots.size).toBe(1);
    });
  });
});
