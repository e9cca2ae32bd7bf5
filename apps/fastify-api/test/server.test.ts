import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpAndLogIn, startStack, type Stack } from './support.js';

// Each stack starts in a hook (hookTimeout), not inside the test: on a loaded CI machine a
// cold PGlite start takes seconds, and that is not what these tests time.
async function untilUpstreamSaw(stack: Stack, url: string): Promise<void> {
  while (!stack.upstream.requests.all().some((r) => r.url === url)) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('startServer().close()', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ upstream: { latencyMs: 300 } });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lets an in-flight request finish, then stops listening and leaves the database open', async () => {
    const token = await signUpAndLogIn(stack.api.url);
    const inFlight = request(stack.api.url)
      .post('/v1/bots/model/messages')
      .set('authorization', `Bearer ${token}`)
      .send({ text: 'take your time' })
      .then((res) => res);
    // Wait until the bot's call has reached the upstream, then close.
    await untilUpstreamSaw(stack, '/model/complete');

    await stack.api.close();

    expect((await inFlight).status).toBe(201);
    expect(stack.api.server.listening).toBe(false);
    await expect(stack.db.ping()).resolves.toBeUndefined();
  });
});

describe('startServer().close() with SHUTDOWN_TIMEOUT_MS', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({
      env: { SHUTDOWN_TIMEOUT_MS: '200', UPSTREAM_TIMEOUT_MS: '30000' },
      upstream: { latencyMs: 20_000 },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('cuts connections that outlast SHUTDOWN_TIMEOUT_MS', async () => {
    const token = await signUpAndLogIn(stack.api.url);
    const inFlight = request(stack.api.url)
      .post('/v1/bots/model/messages')
      .set('authorization', `Bearer ${token}`)
      .send({ text: 'never answered in time' })
      .then(
        () => 'answered',
        () => 'cut off',
      );
    await untilUpstreamSaw(stack, '/model/complete');

    await stack.api.close();

    expect(await inFlight).toBe('cut off');
  });
});
