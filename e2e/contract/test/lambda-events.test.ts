import { request as httpRequest } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import {
  GATEWAY_MAX_BODY_BYTES,
  startGateway,
  type RunningGateway,
} from '../src/lambda/gateway.js';

// The stand-in gateway's own shapes, with a handler that records each event and answers what
// the test asks for: what the contract through both apps relies on.
const seen: unknown[] = [];
const gateways: RunningGateway[] = [];
afterAll(async () => {
  for (const gateway of gateways) await gateway.close();
});

async function gateway(
  version: '1.0' | '2.0',
  result: Record<string, unknown> = { statusCode: 204 },
) {
  const running = await startGateway(async (event) => {
    seen.push(event);
    return result;
  }, version);
  gateways.push(running);
  return running;
}

/** fetch would join repeated headers itself: node:http sends them as given. */
function rawGet(url: string, headers: readonly [string, string][]): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      res.resume();
      res.on('end', resolve);
    });
    // An array value goes out as one header line per item.
    const grouped = new Map<string, string[]>();
    for (const [name, value] of headers) grouped.set(name, [...(grouped.get(name) ?? []), value]);
    for (const [name, values] of grouped)
      req.setHeader(name, values.length === 1 ? values[0]! : values);
    req.on('error', reject);
    req.end();
  });
}

const request = (url: string, init: RequestInit = {}) => fetch(url, init);

describe('the stand-in gateway', () => {
  it('payload 2.0: cookies moved out of the headers, repeats joined with commas, the query as sent', async () => {
    const { url } = await gateway('2.0');
    await rawGet(`${url}/v1/bots?tag=a&tag=b&q=x%20y`, [
      ['cookie', 'a=1; b=2'],
      ['x-many', 'one'],
      ['x-many', 'two'],
    ]);
    const event = seen.at(-1) as APIGatewayProxyEventV2;
    expect(event.version).toBe('2.0');
    expect(event.rawPath).toBe('/v1/bots');
    expect(event.rawQueryString).toBe('tag=a&tag=b&q=x%20y');
    expect(event.queryStringParameters).toEqual({ tag: 'a,b', q: 'x y' });
    expect(event.cookies).toEqual(['a=1', 'b=2']);
    expect(event.headers['cookie']).toBeUndefined();
    expect(event.headers['x-many']).toBe('one,two');
    expect(event.requestContext.http.method).toBe('GET');
    expect(event.body).toBeUndefined();
  });

  it('payload 1.0: the last value in headers and the query, every value in their multi-value twins', async () => {
    const { url } = await gateway('1.0');
    await rawGet(`${url}/v1/bots?tag=a&tag=b`, [
      ['x-many', 'one'],
      ['x-many', 'two'],
    ]);
    const event = seen.at(-1) as APIGatewayProxyEvent;
    expect(event.path).toBe('/v1/bots');
    expect(event.httpMethod).toBe('GET');
    expect(event.headers['x-many']).toBe('two');
    expect(event.multiValueHeaders['x-many']).toEqual(['one', 'two']);
    expect(event.queryStringParameters).toEqual({ tag: 'b' });
    expect(event.multiValueQueryStringParameters).toEqual({ tag: ['a', 'b'] });
    expect(event.body).toBeNull();
  });

  it('passes JSON as text and bytes as base64, both ways', async () => {
    const bytes = Buffer.from([0, 255, 1, 254]);
    const { url } = await gateway('2.0', {
      statusCode: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    });
    await request(url, {
      method: 'POST',
      headers: [['content-type', 'application/json']],
      body: '{"a":1}',
    });
    expect(seen.at(-1)).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
    const res = await request(url, {
      method: 'POST',
      headers: [['content-type', 'application/octet-stream']],
      body: bytes,
    });
    expect(seen.at(-1)).toMatchObject({ body: bytes.toString('base64'), isBase64Encoded: true });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(bytes);
  });

  it("writes a result's multi-value headers and cookies as repeated headers", async () => {
    const v1 = await gateway('1.0', {
      statusCode: 200,
      multiValueHeaders: { 'set-cookie': ['a=1', 'b=2'], vary: ['origin'] },
      body: 'ok',
    });
    const one = await request(v1.url);
    expect(one.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    const v2 = await gateway('2.0', { statusCode: 200, cookies: ['c=3', 'd=4'], body: 'ok' });
    const two = await request(v2.url);
    expect(two.headers.getSetCookie()).toEqual(['c=3', 'd=4']);
    expect(await two.text()).toBe('ok');
  });

  it('refuses a body over 10 MB with 413 and never invokes the function', async () => {
    const running = await gateway('2.0');
    const before = running.invocations;
    const res = await request(running.url, {
      method: 'POST',
      headers: [['content-type', 'application/octet-stream']],
      body: Buffer.alloc(GATEWAY_MAX_BODY_BYTES + 1),
    }).catch((error: unknown) => error);
    // The stand-in answers before the upload ends; fetch may see the answer or a reset.
    if (res instanceof Response) expect(res.status).toBe(413);
    expect(running.invocations).toBe(before);
    const small = await request(running.url, { method: 'POST', body: Buffer.alloc(1024) });
    expect(small.status).toBe(204);
    expect(running.invocations).toBe(before + 1);
  });
});
