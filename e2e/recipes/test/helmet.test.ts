// docs/recipes/security.md#helmet: `helmet` and `@fastify/helmet` (which wraps the same helmet)
// send the same security headers, header by header; a route can change them on both sides, and
// an inline script gets a per-reply CSP nonce.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { helmetRecipe } from '../src/security/helmet.js';

const served = await servePair(helmetRecipe);
afterAll(() => served.close());

/** What helmet 8 sends by default, as seen from both sides. */
const DEFAULTS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

function nonceIn(directive: string, csp: string): string | undefined {
  const found = csp.split(';').find((part) => part.startsWith(`${directive} `));
  return found?.match(/'nonce-([^']+)'/)?.[1];
}

describe.each(served.sides)('helmet on $name', ({ url }) => {
  it.each(Object.entries(DEFAULTS))('sends %s with helmet’s default value', async (name, value) => {
    const res = await request(url).get('/items').expect(200);
    expect(res.headers[name]).toBe(value);
  });

  it('leaves X-Frame-Options out on the route that turns frameguard off, and only there', async () => {
    const widget = await request(url).get('/widget').expect(200);
    expect(widget.headers['x-frame-options']).toBeUndefined();
    expect(widget.headers['content-security-policy']).toBe(DEFAULTS['content-security-policy']);
    const items = await request(url).get('/items').expect(200);
    expect(items.headers['x-frame-options']).toBe('SAMEORIGIN');
  });

  it('puts a fresh script-src nonce in the CSP and the same nonce on the inline script', async () => {
    const first = await request(url).get('/page').expect(200);
    const nonce = nonceIn('script-src', String(first.headers['content-security-policy']));
    expect(nonce).toBeTruthy();
    expect(first.text).toContain(`<script nonce="${nonce}">`);
    const second = await request(url).get('/page').expect(200);
    expect(nonceIn('script-src', String(second.headers['content-security-policy']))).not.toBe(
      nonce,
    );
  });
});

describe('enableCSPNonces in @fastify/helmet', () => {
  it('adds a style-src nonce too, where the Express recipe’s nonce goes in script-src only', async () => {
    const fastifyCsp = String(
      (await request(served.fastify.url).get('/page')).headers['content-security-policy'],
    );
    expect(nonceIn('style-src', fastifyCsp)).toBeTruthy();
    const expressCsp = String(
      (await request(served.express.url).get('/page')).headers['content-security-policy'],
    );
    expect(nonceIn('style-src', expressCsp)).toBeUndefined();
  });
});
