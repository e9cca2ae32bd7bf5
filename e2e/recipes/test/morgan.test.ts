// docs/recipes/validation.md#morgan: one log line per request from morgan and from Fastify's
// logger set up as the recipe does, and what Fastify logs without that set-up.
import Fastify, { LogController } from 'fastify';
import request from 'supertest';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLines, servePair } from '../src/harness.js';
import { morganRecipe } from '../src/validation/morgan.js';

const lines = captureLines();
const served = await servePair(morganRecipe(lines.streams));
afterAll(() => served.close());
beforeEach(() => lines.clear());

describe.each(served.sides)('request logging on $name', ({ name, url }) => {
  it('writes one line per request, a 404 included, with the method, the URL and the status', async () => {
    await request(url).get('/items?x=1').expect(200);
    await request(url).get('/missing').expect(404);
    expect(lines[name]).toHaveLength(2);
    const [ok, missing] = lines[name];
    for (const part of ['GET', '/items?x=1', '200']) expect(ok).toContain(part);
    for (const part of ['GET', '/missing', '404']) expect(missing).toContain(part);
  });
});

describe('the line itself', () => {
  it('is text from morgan and a JSON object with reqId and responseTime from Fastify', async () => {
    await request(served.express.url).get('/items').expect(200);
    await request(served.fastify.url).get('/items').expect(200);
    expect(lines.express[0]).toMatch(/^GET \/items 200 \d+ - [\d.]+ ms\n$/);
    const entry = JSON.parse(lines.fastify[0]!);
    expect(entry).toMatchObject({
      level: 30,
      reqId: expect.any(String),
      method: 'GET',
      url: '/items',
      statusCode: 200,
      responseTime: expect.any(Number),
      msg: 'request completed',
    });
  });
});

function captured() {
  const out: Record<string, unknown>[] = [];
  return { out, stream: { write: (line: string) => out.push(JSON.parse(line)) } };
}

describe("Fastify's logger without the recipe's LogController", () => {
  it('writes two lines per request, "incoming request" and "request completed"', async () => {
    const { out, stream } = captured();
    const app = Fastify({ logger: { stream } });
    app.get('/items', async () => ({ items: [] }));
    await app.inject('/items');
    await app.close();
    expect(out.map((entry) => entry['msg'])).toEqual(['incoming request', 'request completed']);
    expect(out[0]).toMatchObject({ req: { method: 'GET', url: '/items' } });
    expect(out[1]).toMatchObject({ res: { statusCode: 200 }, responseTime: expect.any(Number) });
  });

  it('writes a third line, "Route GET:/missing not found", for a 404', async () => {
    const { out, stream } = captured();
    const app = Fastify({ logger: { stream } });
    await app.inject('/missing');
    await app.close();
    expect(out.map((entry) => entry['msg'])).toEqual([
      'incoming request',
      'Route GET:/missing not found',
      'request completed',
    ]);
  });

  it('writes nothing for a request with disableRequestLogging', async () => {
    const { out, stream } = captured();
    const app = Fastify({
      logger: { stream },
      logController: new LogController({ disableRequestLogging: true }),
    });
    app.get('/items', async () => ({ items: [] }));
    await app.inject('/items');
    await app.inject('/missing');
    await app.close();
    expect(out).toEqual([]);
  });
});
