import { createServer, request, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AppError, toAppError } from '@switchyard/api-spec';
import { describe, expect, it } from 'vitest';
import { logError, logLevelOf, type ErrorLogLevel } from '../src/index.js';

/** The response of a request whose client hung up before the answer. */
async function abandonedResponse(): Promise<{ res: ServerResponse; close(): Promise<void> }> {
  let gone!: (res: ServerResponse) => void;
  let arrived!: () => void;
  const left = new Promise<ServerResponse>((resolve) => (gone = resolve));
  const received = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((_req, res) => {
    res.once('close', () => gone(res));
    arrived();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const req = request(`http://127.0.0.1:${port}/`, { agent: false });
  req.on('error', () => undefined);
  req.end();
  // Hang up once the server has the request: a fixed delay lost the race on a loaded machine
  // (the client was gone before the request arrived, and no response ever closed).
  await received;
  req.destroy();
  const res = await left;
  return { res, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

function recorder() {
  const lines: Array<{ level: ErrorLogLevel; fields: Record<string, unknown>; message: string }> =
    [];
  const at =
    (level: ErrorLogLevel) =>
    (fields: object, message: string): void =>
      void lines.push({ level, fields: fields as Record<string, unknown>, message });
  return {
    lines,
    log: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

describe('logLevelOf', () => {
  it('is error for a bug, warn for another 5xx, debug for a 4xx', () => {
    const bug = new TypeError('oops');
    expect(logLevelOf(bug, toAppError(bug))).toBe('error');
    expect(logLevelOf(undefined, new AppError('SWY_ERR_NOT_READY'))).toBe('warn');
    expect(logLevelOf(undefined, new AppError('SWY_ERR_UPSTREAM_TIMEOUT'))).toBe('warn');
    expect(logLevelOf(undefined, new AppError('SWY_ERR_AUTH_REQUIRED'))).toBe('debug');
    expect(logLevelOf(undefined, new AppError('SWY_ERR_RATE_LIMITED'))).toBe('debug');
  });

  it('is info when the client went away and the error is its own abort', async () => {
    const { res, close } = await abandonedResponse();
    const abort = new DOMException('The client closed the connection', 'AbortError');
    expect(logLevelOf(abort, toAppError(abort), res)).toBe('info');
    // Any other error while the client is gone is still what it is.
    const bug = new Error('bug');
    expect(logLevelOf(bug, toAppError(bug), res)).toBe('error');
    await close();
  });
});

describe('logError', () => {
  it('writes one line with the code: the stack of a bug, the cause of a 5xx, no error for a 4xx', () => {
    const { lines, log } = recorder();
    const bug = new TypeError('oops');
    logError(log, bug, toAppError(bug));
    const down = new Error('ECONNREFUSED');
    logError(log, undefined, new AppError('SWY_ERR_NOT_READY', { cause: down }));
    logError(log, undefined, new AppError('SWY_ERR_AUTH_REQUIRED'));
    expect(lines).toEqual([
      {
        level: 'error',
        fields: { err: bug, code: 'SWY_ERR_INTERNAL' },
        message: 'Unhandled error',
      },
      {
        level: 'warn',
        fields: { err: down, code: 'SWY_ERR_NOT_READY' },
        message: expect.any(String),
      },
      { level: 'debug', fields: { code: 'SWY_ERR_AUTH_REQUIRED' }, message: expect.any(String) },
    ]);
  });
});
