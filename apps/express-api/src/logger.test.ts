import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { lines, stream };
}

describe('createLogger', () => {
  it('redacts credentials in headers and password and token fields', () => {
    const { lines, stream } = capture();
    const logger = createLogger({ LOG_LEVEL: 'info' }, stream);

    logger.info(
      {
        req: {
          headers: {
            authorization: 'Bearer secret-token-1',
            cookie: 'sid=secret-cookie',
            'sec-websocket-protocol': 'bearer, secret-token-2',
            'user-agent': 'kept',
          },
        },
        body: { username: 'alice', password: 'secret-password' },
        token: 'secret-token-3',
      },
      'request',
    );

    const entry = lines.join('');
    expect(entry).not.toMatch(/secret/);
    expect(JSON.parse(entry)).toMatchObject({
      req: { headers: { authorization: '[redacted]', 'user-agent': 'kept' } },
      body: { username: 'alice', password: '[redacted]' },
      token: '[redacted]',
    });
  });
});
