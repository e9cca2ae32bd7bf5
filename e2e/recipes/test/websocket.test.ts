// docs/recipes/validation.md#websocket: a WebSocket route that echoes, on express-ws and on
// @fastify/websocket, driven by the `ws` client.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { servePair } from '../src/harness.js';
import { websocketRecipe } from '../src/validation/websocket.js';

const served = await servePair(websocketRecipe);
afterAll(() => served.close());

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

describe.each(served.sides)('WebSocket on $name', ({ url }) => {
  it('echoes a text message', async () => {
    const socket = await open(`${url.replace('http', 'ws')}/echo`);
    const reply = new Promise<{ text: string; isBinary: boolean }>((resolve) =>
      socket.once('message', (data, isBinary) => resolve({ text: String(data), isBinary })),
    );
    socket.send('hello');
    expect(await reply).toEqual({ text: 'hello', isBinary: false });
    socket.close();
  });

  it('answers 404 to a plain GET on the WebSocket route', async () => {
    await request(url).get('/echo').expect(404);
  });
});

describe('an upgrade to a path with no WebSocket route', () => {
  it('opens and then closes (1005) on express-ws, and is refused with 404 by Fastify', async () => {
    const ex = await open(`${served.express.url.replace('http', 'ws')}/nope`);
    const code = await new Promise((resolve) => ex.once('close', resolve));
    expect(code).toBe(1005);
    await expect(open(`${served.fastify.url.replace('http', 'ws')}/nope`)).rejects.toThrow(
      'Unexpected server response: 404',
    );
  });
});
