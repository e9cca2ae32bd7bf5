import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeCode,
  framesUntilEnd,
  openSocket,
  refusedUpgrade,
  signUpAndLogIn,
  startStack,
  wsUrl,
  type Stack,
} from './support.js';

describe('WebSocket /v1/bots/:botId/stream', () => {
  let stack: Stack;
  let token: string;
  const url = (botId: string) => wsUrl(stack.api.url, `/v1/bots/${botId}/stream`);
  const auth = () => ({ authorization: `Bearer ${token}` });

  beforeAll(async () => {
    stack = await startStack({ env: { BODY_LIMIT_BYTES: '2048' } });
    token = await signUpAndLogIn(stack.api.url);
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('refuses the upgrade with 401 and the envelope without a valid token', async () => {
    const none = await refusedUpgrade(url('echo'));
    expect(none).toEqual({
      status: 401,
      body: {
        error: { code: 'SWY_ERR_AUTH_REQUIRED', message: 'A valid bearer token is required' },
      },
    });
    const wrong = await refusedUpgrade(url('echo'), { protocols: ['bearer', 'x'.repeat(43)] });
    expect(wrong.status).toBe(401);
  });

  it('refuses the upgrade with 404 SWY_ERR_BOT_NOT_FOUND for an unknown bot', async () => {
    const res = await refusedUpgrade(url('nobody'), { headers: auth() });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'SWY_ERR_BOT_NOT_FOUND' } });
  });

  it('answers a bad frame with an error frame and keeps the connection open', async () => {
    const socket = await openSocket(url('echo'), { headers: auth() });
    try {
      let frames = framesUntilEnd(socket);
      socket.send('{not json');
      expect(await frames).toEqual([
        {
          type: 'error',
          error: { code: 'SWY_ERR_MALFORMED_JSON', message: 'The request body is not valid JSON' },
        },
      ]);

      frames = framesUntilEnd(socket);
      socket.send(Buffer.from('{"type":"message","text":"hi"}'), { binary: true });
      expect((await frames)[0]).toMatchObject({ error: { code: 'SWY_ERR_MALFORMED_JSON' } });

      frames = framesUntilEnd(socket);
      socket.send(JSON.stringify({ type: 'message', text: '', extra: 1 }));
      expect(await frames).toEqual([
        {
          type: 'error',
          error: {
            code: 'SWY_ERR_VALIDATION',
            message: 'The request is not valid',
            details: [
              { path: '/body/extra', message: 'is not allowed' },
              { path: '/body/text', message: 'must NOT have fewer than 1 characters' },
            ],
          },
        },
      ]);

      frames = framesUntilEnd(socket);
      socket.send(
        JSON.stringify({
          type: 'message',
          text: 'hi',
          conversationId: '00000000-0000-4000-8000-000000000000',
        }),
      );
      expect((await frames)[0]).toMatchObject({
        error: { code: 'SWY_ERR_CONVERSATION_NOT_FOUND' },
      });

      frames = framesUntilEnd(socket);
      socket.send(JSON.stringify({ type: 'message', text: 'still here' }));
      expect((await frames).at(-1)).toMatchObject({ type: 'done', text: 'echo: still here' });
    } finally {
      socket.close();
    }
  });

  it('handles the messages of one connection one at a time, in order', async () => {
    const socket = await openSocket(url('echo'), { headers: auth() });
    try {
      const received: Array<{ type: string; text?: string; delta?: string }> = [];
      const allDone = new Promise<void>((resolve) => {
        socket.on('message', (data) => {
          received.push(JSON.parse(String(data)) as { type: string });
          if (received.filter((f) => f.type === 'done').length === 3) resolve();
        });
      });
      for (const text of ['first message', 'second message', 'third message']) {
        socket.send(JSON.stringify({ type: 'message', text }));
      }
      await allDone;
      // Each reply's chunks and its done frame come before anything of the next one.
      expect(received.map((f) => (f.type === 'done' ? `done:${f.text}` : f.delta))).toEqual([
        'echo: ',
        'first ',
        'message',
        'done:echo: first message',
        'echo: ',
        'second ',
        'message',
        'done:echo: second message',
        'echo: ',
        'third ',
        'message',
        'done:echo: third message',
      ]);
    } finally {
      socket.close();
    }
  });

  it('closes the connection with 1009 for a frame over BODY_LIMIT_BYTES', async () => {
    const socket = await openSocket(url('echo'), { headers: auth() });
    const code = closeCode(socket);
    socket.send(JSON.stringify({ type: 'message', text: 'x'.repeat(4096) }));
    expect(await code).toBe(1009);
  });
});

describe('WebSocket shutdown', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it('closes open sockets with 1001 when the server closes', async () => {
    const token = await signUpAndLogIn(stack.api.url);
    const socket = await openSocket(wsUrl(stack.api.url, '/v1/bots/echo/stream'), {
      headers: { authorization: `Bearer ${token}` },
    });
    const code = closeCode(socket);
    await stack.api.close();
    expect(await code).toBe(1001);
  });
});
