import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { UpstreamErrorCode } from '@switchyard/testing';

describe('loadConfig', () => {
  it('uses the defaults when nothing is set', () => {
    expect(loadConfig({})).toEqual({
      PORT: 4010,
      HOST: '127.0.0.1',
      UPSTREAM_LATENCY_MS: 0,
      UPSTREAM_PUBLIC: 'false',
    });
  });

  it('reads PORT, HOST and UPSTREAM_LATENCY_MS', () => {
    expect(loadConfig({ PORT: '0', HOST: '0.0.0.0', UPSTREAM_LATENCY_MS: '250' })).toEqual({
      PORT: 0,
      HOST: '0.0.0.0',
      UPSTREAM_LATENCY_MS: 250,
      UPSTREAM_PUBLIC: 'false',
    });
  });

  it('reads UPSTREAM_CONTROL_TOKEN as text, digits included', () => {
    expect(loadConfig({ UPSTREAM_CONTROL_TOKEN: '1234567890123456' }).UPSTREAM_CONTROL_TOKEN).toBe(
      '1234567890123456',
    );
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '' }).PORT).toBe(4010);
  });

  it.each([
    ['PORT', '65536'],
    ['PORT', 'http'],
    ['PORT', '0x10'],
    ['UPSTREAM_LATENCY_MS', '-5'],
    ['UPSTREAM_LATENCY_MS', '60001'],
    ['UPSTREAM_CONTROL_TOKEN', 'short'],
    ['UPSTREAM_PUBLIC', 'yes'],
  ])('rejects %s=%s with a message naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(
      expect.objectContaining({
        code: UpstreamErrorCode.INVALID_OPTION,
        message: expect.stringContaining(name),
      }),
    );
  });
});
