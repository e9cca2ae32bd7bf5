import { describe, expect, it } from 'vitest';
import { hasEncodedDotSegment, isBinaryBody } from '../src/lib/lambda/gateway.js';

describe('isBinaryBody', () => {
  it('keeps text, JSON, NDJSON, JavaScript and XML as text', () => {
    for (const type of [
      'text/html; charset=utf-8',
      'application/json; charset=utf-8',
      'application/problem+json',
      'application/x-ndjson',
      'application/javascript; charset=UTF-8',
      'image/svg+xml',
      'TEXT/PLAIN',
    ]) {
      expect(isBinaryBody(type), type).toBe(false);
    }
  });

  it('base64-encodes bytes, images, anything content-coded, and never a body without a type', () => {
    expect(isBinaryBody('application/octet-stream')).toBe(true);
    expect(isBinaryBody('image/png')).toBe(true);
    expect(isBinaryBody('application/json', 'gzip')).toBe(true);
    expect(isBinaryBody('text/plain', 'br')).toBe(true);
    expect(isBinaryBody('text/plain', 'identity')).toBe(false);
    expect(isBinaryBody(undefined)).toBe(false);
  });
});

describe('hasEncodedDotSegment', () => {
  it('finds a segment that is . or .. once decoded, in any case and mix', () => {
    for (const path of ['/a/%2e%2e/b', '/a/%2E%2e', '/%2e/x', '/a/.%2e/b', '/a/%2e./b']) {
      expect(hasEncodedDotSegment(path), path).toBe(true);
    }
  });

  it('leaves literal dots (the router sees them as sent), dots inside names and %2F alone', () => {
    for (const path of ['/a/../b', '/a/./b', '/a/%2e%2ex/b', '/v1.2/x', '/a/..%2F..%2Fget', '/']) {
      expect(hasEncodedDotSegment(path), path).toBe(false);
    }
  });
});
