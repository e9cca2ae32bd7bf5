import { PassThrough } from 'node:stream';
import { envelope } from '@switchyard/api-spec';
import { describe, expect, it } from 'vitest';
import {
  answerClientError,
  clientErrorOf,
  decodeUnreserved,
  headersOf,
  refusedJsonBody,
} from '../src/index.js';

describe('decodeUnreserved', () => {
  it.each([
    ['/v1/%62ots', '/v1/bots'],
    ['/%76%31/bots?x=%62', '/v1/bots?x=%62'],
    ['/a%2Db%2Ec%5Fd%7Ee', '/a-b.c_d~e'],
    // Reserved and other characters keep their escape.
    ['/v1/bots%2F', '/v1/bots%2F'],
    ['/a%20b%25c%3F', '/a%20b%25c%3F'],
    ['/%E0', '/%E0'],
    ['/%', '/%'],
    ['/plain', '/plain'],
  ])('%s is routed as %s', (url, routed) => {
    expect(decodeUnreserved(url)).toBe(routed);
  });
});

describe('refusedJsonBody', () => {
  const json = { 'content-type': 'application/json' };
  it.each([
    [{ ...json }],
    [{ 'content-type': 'Application/JSON; Charset="UTF-8"' }],
    [{ ...json, 'content-encoding': 'identity' }],
    [{ ...json, 'content-encoding': '' }],
  ])('takes %j', (headers) => {
    expect(refusedJsonBody(headers)).toBeUndefined();
  });

  it.each([
    [{}],
    [{ 'content-type': 'text/plain' }],
    [{ 'content-type': 'application/vnd.api+json' }],
    [{ 'content-type': 'application/json; charset=latin1' }],
    [{ 'content-type': 'application/json; charset=utf-16' }],
    [{ 'content-type': 'application/json; charset=utf8' }],
    [{ 'content-type': 'not a type' }],
  ])('refuses %j with 415', (headers) => {
    expect(refusedJsonBody(headers)).toMatchObject({
      code: 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
      headers: undefined,
    });
  });

  it.each(['gzip', 'deflate', 'br', 'x-foo', 'identity, gzip', 'GZIP'])(
    'refuses Content-Encoding: %s with 415 and Accept-Encoding: identity',
    (coding) => {
      expect(refusedJsonBody({ ...json, 'content-encoding': coding })).toMatchObject({
        code: 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE',
        headers: { 'accept-encoding': 'identity' },
      });
    },
  );
});

describe('clientErrorOf', () => {
  it.each([
    ['HPE_HEADER_OVERFLOW', 431, 'SWY_ERR_HEADERS_TOO_LARGE'],
    ['HPE_CHUNK_EXTENSIONS_OVERFLOW', 413, 'SWY_ERR_BODY_TOO_LARGE'],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'SWY_ERR_REQUEST_TIMEOUT'],
    ['HPE_INVALID_HEADER_TOKEN', 400, 'SWY_ERR_MALFORMED_REQUEST'],
    [undefined, 400, 'SWY_ERR_MALFORMED_REQUEST'],
  ])('maps %s to %i %s', (code, status, appCode) => {
    const error = Object.assign(new Error('parse error'), { code });
    expect(clientErrorOf(error)).toMatchObject({ status, code: appCode });
  });
});

describe('headersOf', () => {
  it('lists what the middleware sets, less what it removes', () => {
    const headers = headersOf((_req, res, next) => {
      res.setHeader('X-One', '1');
      res.setHeader('X-Two', '2');
      res.removeHeader('x-two');
      next();
    });
    expect(headers).toEqual({ 'x-one': '1' });
  });
});

describe('answerClientError', () => {
  const headers = { 'x-frame-options': 'SAMEORIGIN' };
  const socketAnd = (extra: object = {}) => {
    const socket = Object.assign(new PassThrough(), extra);
    const written: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => written.push(chunk));
    return { socket, text: () => Buffer.concat(written).toString() };
  };

  it('writes the envelope with the given headers, a request id and Connection: close', async () => {
    const { socket, text } = socketAnd();
    const answers: string[] = [];
    answerClientError(Object.assign(new Error('bad'), { code: 'HPE_HEADER_OVERFLOW' }), socket, {
      headers,
      onAnswer: (answer) => answers.push(answer.code),
    });
    await new Promise((resolve) => socket.once('close', resolve));
    const [head, body] = text().split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
    expect(head).toContain('\r\nx-frame-options: SAMEORIGIN\r\n');
    expect(head).toMatch(/\r\nx-request-id: [0-9a-f-]{36}\r\n/);
    expect(head).toContain('\r\nconnection: close');
    expect(JSON.parse(body!)).toEqual(envelope('SWY_ERR_HEADERS_TOO_LARGE'));
    expect(answers).toEqual(['SWY_ERR_HEADERS_TOO_LARGE']);
  });

  it('only closes a connection whose response has begun, or that the client reset', () => {
    for (const [extra, code] of [
      [{ _httpMessage: { headersSent: true } }, 'HPE_INVALID_HEADER_TOKEN'],
      [{}, 'ECONNRESET'],
    ] as const) {
      const { socket, text } = socketAnd(extra);
      let answered = false;
      answerClientError(Object.assign(new Error('bad'), { code }), socket, {
        headers,
        onAnswer: () => (answered = true),
      });
      expect([socket.destroyed, answered, text()]).toEqual([true, false, '']);
    }
  });
});
