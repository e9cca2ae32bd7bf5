import { describe, expect, it } from 'vitest';
import { buildUpstream, startUpstream, UpstreamErrorCode } from '../../src/upstream/index.js';

describe('startUpstream', () => {
  it('listens on a free loopback port and reports its url', async () => {
    const server = await startUpstream();
    try {
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect((await fetch(`${server.url}/get`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('stops accepting connections once closed, and may be closed twice', async () => {
    const server = await startUpstream();

    await server.close();
    await server.close();

    await expect(fetch(`${server.url}/get`)).rejects.toThrow(TypeError);
  });

  it('rejects when the port is taken', async () => {
    const first = await startUpstream();
    try {
      await expect(startUpstream({ port: first.port })).rejects.toMatchObject({
        code: 'EADDRINUSE',
      });
    } finally {
      await first.close();
    }
  });
});

describe('buildUpstream', () => {
  it.each([
    ['latencyMs', { latencyMs: -1 }],
    ['chunkDelayMs', { chunkDelayMs: 1.5 }],
    ['logSize', { logSize: 0 }],
  ])('throws a coded error when %s is out of range', (_name, options) => {
    expect(() => buildUpstream(options)).toThrow(
      expect.objectContaining({ code: UpstreamErrorCode.INVALID_OPTION }),
    );
  });
});
