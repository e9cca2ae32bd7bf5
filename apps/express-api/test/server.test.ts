import { openDatabase, type Database } from '@switchyard/persistence';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSocket, signedIn, startStack, wsUrl, type Stack } from './support.js';

describe('startServer().close()', () => {
  let stack: Stack;
  let db: Database;

  beforeAll(async () => {
    stack = await startStack({
      openDb: async () => (db = await openDatabase()),
      env: { SHUTDOWN_TIMEOUT_MS: '5000' },
    });
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('lets an in-flight request finish, closes WebSockets with 1001 and leaves the database open', async () => {
    const { token, auth } = await signedIn(stack.api.url);
    const socket = openSocket(wsUrl(stack.api, '/v1/bots/echo/stream'), ['bearer', token]);
    await socket.opened;
    const inFlight = request(stack.api.url).get('/v1/proxy/httpbin/delay/300').set(auth);
    const response = inFlight.then((res) => res);
    // Wait until the request is on the upstream, so it is in flight when close() starts.
    while (!stack.upstream.requests.all().some((r) => r.url === '/delay/300')) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }

    await stack.api.close();

    expect(await socket.closed).toEqual({ code: 1001, reason: 'Server shutting down' });
    const res = await response;
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ delayedMs: 300 });
    await expect(request(stack.api.url).get('/health')).rejects.toThrow(/ECONNREFUSED/);
    await expect(db.ping()).resolves.toBeUndefined();
  });
});
