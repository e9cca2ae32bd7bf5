import { BOT_ID_PATTERN, isBotId } from '@switchyard/api-spec';
import type { Database } from '@switchyard/persistence';
import { Router } from '@switchyard/router';
import { describe, expect, it } from 'vitest';
import { bots, EchoBot, type BotClass, type BotContext } from '../src/lib/bots/index.js';
import { ChatService } from '../src/lib/use-cases/chat.service.js';

// The chat service only stores the database for later; these cases never reach it.
const noDatabase = {} as Database;
const noContext = {} as BotContext;

describe('bot ids', () => {
  it('every registered bot id matches the schema pattern (BOT_ID_PATTERN)', () => {
    expect(bots.keys().length).toBeGreaterThan(0);
    for (const id of bots.keys()) expect(id).toMatch(new RegExp(BOT_ID_PATTERN));
  });

  it('isBotId agrees with the pattern, which is narrower than the router key rule', () => {
    for (const id of ['echo', 'model-2', 'a', 'a'.repeat(32)]) expect(isBotId(id)).toBe(true);
    for (const id of ['ECHO', 'my_bot', 'a.b', '-a', 'a-', 'a'.repeat(33), '']) {
      expect(isBotId(id)).toBe(false);
    }
  });
});

describe('ChatService with an injected registry', () => {
  const registry = new Router<BotClass>({ name: 'test-bots' });
  registry.register('parrot', EchoBot);
  // A valid router key, but not a bot id: never found.
  registry.register('Parrot_2', EchoBot);
  const chat = new ChatService(noDatabase, noContext, registry, {
    idempotencyTtlSeconds: 60,
    idempotencyLeaseMs: 60_000,
  });

  it('hasBot reads the injected registry, not the global one', () => {
    expect(chat.hasBot('parrot')).toBe(true);
    expect(chat.hasBot('echo')).toBe(false);
    expect(
      new ChatService(noDatabase, noContext, undefined, {
        idempotencyTtlSeconds: 60,
        idempotencyLeaseMs: 60_000,
      }).hasBot('echo'),
    ).toBe(true);
  });

  it('hasBot is false for a name outside BOT_ID_PATTERN, even if the router holds it', () => {
    expect(registry.has('Parrot_2')).toBe(true);
    expect(chat.hasBot('Parrot_2')).toBe(false);
  });

  it('requireBot is 404 SWY_ERR_BOT_NOT_FOUND for an unknown bot, with its id', () => {
    expect(chat.requireBot('parrot')).toBe(EchoBot);
    expect(() => chat.requireBot('echo')).toThrow(
      expect.objectContaining({
        code: 'SWY_ERR_BOT_NOT_FOUND',
        status: 404,
        message: 'No bot with id "echo"',
      }),
    );
  });
});
