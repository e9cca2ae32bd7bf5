import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { signUpAndLogIn, startStack } from './support.js';

describe('startServer().close()', () => {
  it('lets an in-flight request finish, then stops listening and leaves the database open', async () => {
    const stack = await startStack({ upstream: { latencyMs: 300 } });
    try {
      const token = await signUpAndLogIn(stack.api.url);
      const inFlight = request(stack.api.url)
        .post('/v1/bots/model/messages')
        .set('authorization', `Bearer ${token}`)
        .send({ text: 'take your time' })
        .then((res) => res);
      // Wait until the bot's call has reached the upstream, then close.
      while (!stack.upstream.requests.all().some((r) => r.url === '/model/complete')) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }

      await stack.api.close();

      expect((await inFlight).status).toBe(201);
      expect(stack.api.server.listening).toBe(false);
      await expect(stack.db.ping()).resolves.toBeUndefined();
    } finally {
      await stack.close();
    }
  });

  it('cuts connections that outlast SHUTDOWN_TIMEOUT_MS', async () => {
    const stack = await startStack({
      env: { SHUTDOWN_TIMEOUT_MS: '200', UPSTREAM_TIMEOUT_MS: '30000' },
      upstream: { latencyMs: 20_000 },
    });
    try {
      const token = await signUpAndLogIn(stack.api.url);
      const inFlight = request(stack.api.url)
        .post('/v1/bots/model/messages')
        .set('authorization', `Bearer ${token}`)
        .send({ text: 'never answered in time' })
        .then(
          () => 'answered',
          () => 'cut off',
        );
      while (!stack.upstream.requests.all().some((r) => r.url === '/model/complete')) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }

      await stack.api.close();

      expect(await inFlight).toBe('cut off');
    } finally {
      await stack.close();
    }
  });
});
