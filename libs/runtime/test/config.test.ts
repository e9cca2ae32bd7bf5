import { describe, expect, it } from 'vitest';
import { ConfigError, SHUTDOWN_MARGIN_MS, loadConfig, shutdownBudgetMs } from '../src/index.js';

const required = { MODEL_URL: 'http://127.0.0.1:4010', KNOWLEDGE_URL: 'http://127.0.0.1:4010' };

describe('loadConfig', () => {
  it('converts numbers, parses PROXY_SERVICES and fills defaults', () => {
    const config = loadConfig({
      ...required,
      PORT: '3001',
      PROXY_SERVICES:
        '{"httpbin":{"url":"http://127.0.0.1:4010","headers":{"x-api-key":"k"},"paths":["/get"]}}',
    });
    expect(config).toMatchObject({
      PORT: 3001,
      HOST: '127.0.0.1',
      BODY_LIMIT_BYTES: 65_536,
      PROXY_SERVICES: {
        httpbin: { url: 'http://127.0.0.1:4010', headers: { 'x-api-key': 'k' }, paths: ['/get'] },
      },
      PROXY_MAX_RESPONSE_BYTES: 10 * 1024 * 1024,
      PROXY_MAX_CONCURRENT_PER_ACCOUNT: 10,
    });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('lists every bad variable once, by name', () => {
    let message = '';
    try {
      loadConfig({ MODEL_URL: 'ftp://nope', PORT: 'eighty' });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    const lines = message
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(':')[0]);
    expect(lines.sort()).toEqual(['KNOWLEDGE_URL', 'MODEL_URL', 'PORT']);
  });

  it('says per setting what is wrong: missing, not allowed, or not one of the choices', () => {
    expect(() => loadConfig({ MODEL_URL: required.MODEL_URL })).toThrow(
      /^Invalid configuration:\n {2}KNOWLEDGE_URL: is required$/,
    );
    expect(() => loadConfig({ ...required, LOG_LEVEL: 'loud' })).toThrow(
      /\n {2}LOG_LEVEL: must be one of "fatal", "error", "warn", "info", "debug", "trace", "silent"$/,
    );
    const extra = JSON.stringify({ s: { url: 'http://x', paths: ['/'], extra: 1 } });
    expect(() => loadConfig({ ...required, PROXY_SERVICES: extra })).toThrow(
      /\n {2}PROXY_SERVICES\.s\.extra: is not allowed$/,
    );
  });

  it('refuses PROXY_SERVICES that is not JSON or names a service badly', () => {
    expect(() => loadConfig({ ...required, PROXY_SERVICES: '{nope' })).toThrow(
      /PROXY_SERVICES: is not valid JSON/,
    );
    expect(() =>
      loadConfig({ ...required, PROXY_SERVICES: '{"Bad Name":{"url":"http://x"}}' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ...required, PROXY_SERVICES: '{"Bad Name":{"url":"http://x"}}' }),
    ).toThrow(/\n {2}PROXY_SERVICES\.Bad Name: is not allowed/);
  });

  it('takes ENSEMBLE_SOURCES up to 100 and refuses 101', () => {
    expect(loadConfig({ ...required, ENSEMBLE_SOURCES: '100' }).ENSEMBLE_SOURCES).toBe(100);
    expect(() => loadConfig({ ...required, ENSEMBLE_SOURCES: '101' })).toThrow(/ENSEMBLE_SOURCES/);
    expect(() => loadConfig({ ...required, ENSEMBLE_SOURCES: '0' })).toThrow(/ENSEMBLE_SOURCES/);
  });

  it('takes DB_POOL_SIZE from 1 to 1000, 10 by default', () => {
    expect(loadConfig(required).DB_POOL_SIZE).toBe(10);
    expect(loadConfig({ ...required, DB_POOL_SIZE: '1' }).DB_POOL_SIZE).toBe(1);
    expect(loadConfig({ ...required, DB_POOL_SIZE: '1000' }).DB_POOL_SIZE).toBe(1000);
    expect(() => loadConfig({ ...required, DB_POOL_SIZE: '0' })).toThrow(/DB_POOL_SIZE/);
    expect(() => loadConfig({ ...required, DB_POOL_SIZE: '1001' })).toThrow(/DB_POOL_SIZE/);
  });

  it('takes PGLITE_THREAD main or worker, default main', () => {
    expect(loadConfig(required).PGLITE_THREAD).toBe('main');
    expect(loadConfig({ ...required, PGLITE_THREAD: 'worker' }).PGLITE_THREAD).toBe('worker');
    expect(() => loadConfig({ ...required, PGLITE_THREAD: 'thread' })).toThrow(/PGLITE_THREAD/);
  });

  it('takes PGLITE_SHARED_BUFFERS_MB from 1 to 1024, default 16', () => {
    expect(loadConfig(required).PGLITE_SHARED_BUFFERS_MB).toBe(16);
    expect(
      loadConfig({ ...required, PGLITE_SHARED_BUFFERS_MB: '1' }).PGLITE_SHARED_BUFFERS_MB,
    ).toBe(1);
    expect(
      loadConfig({ ...required, PGLITE_SHARED_BUFFERS_MB: '1024' }).PGLITE_SHARED_BUFFERS_MB,
    ).toBe(1024);
    for (const bad of ['0', '1025'])
      expect(() => loadConfig({ ...required, PGLITE_SHARED_BUFFERS_MB: bad })).toThrow(
        /PGLITE_SHARED_BUFFERS_MB/,
      );
  });

  it('bounds the per-account budgets and the idempotency window, with safe defaults', () => {
    expect(loadConfig(required)).toMatchObject({
      MESSAGE_RATE_MAX: 30,
      MESSAGE_RATE_WINDOW_MS: 60_000,
      PROXY_RATE_MAX: 60,
      PROXY_RATE_WINDOW_MS: 60_000,
      IDEMPOTENCY_TTL_SECONDS: 86_400,
      IDEMPOTENCY_LEASE_MS: 120_000,
    });
    const at = {
      MESSAGE_RATE_MAX: ['1', '0', '1000000', '1000001'],
      MESSAGE_RATE_WINDOW_MS: ['1000', '999', '86400000', '86400001'],
      PROXY_RATE_MAX: ['1', '0', '1000000', '1000001'],
      PROXY_RATE_WINDOW_MS: ['1000', '999', '86400000', '86400001'],
      IDEMPOTENCY_TTL_SECONDS: ['60', '59', '604800', '604801'],
      IDEMPOTENCY_LEASE_MS: ['60000', '999', '86400000', '86400001'],
    } as const;
    for (const [name, [low, belowLow, high, aboveHigh]] of Object.entries(at)) {
      expect(loadConfig({ ...required, [name]: low })[name as keyof typeof at]).toBe(Number(low));
      expect(loadConfig({ ...required, [name]: high })[name as keyof typeof at]).toBe(Number(high));
      expect(() => loadConfig({ ...required, [name]: belowLow })).toThrow(new RegExp(name));
      expect(() => loadConfig({ ...required, [name]: aboveHigh })).toThrow(new RegExp(name));
    }
    // The lease covers the longest a message may take: the stream's timeout or the model's.
    expect(() => loadConfig({ ...required, IDEMPOTENCY_LEASE_MS: '59999' })).toThrow(
      /IDEMPOTENCY_LEASE_MS: 59999 is shorter than a message may take/,
    );
    const short = { UPSTREAM_TIMEOUT_MS: '2000', STREAM_REPLY_TIMEOUT_MS: '1000' };
    expect(loadConfig({ ...required, ...short, IDEMPOTENCY_LEASE_MS: '2000' })).toMatchObject({
      IDEMPOTENCY_LEASE_MS: 2_000,
    });
    expect(() => loadConfig({ ...required, ...short, IDEMPOTENCY_LEASE_MS: '1999' })).toThrow(
      /IDEMPOTENCY_LEASE_MS: 1999 is shorter .*UPSTREAM_TIMEOUT_MS 2000/,
    );
  });

  describe('PROXY_SERVICES paths and methods', () => {
    const services = (entry: object) =>
      loadConfig({
        ...required,
        PROXY_SERVICES: JSON.stringify({ s: { url: 'http://x', ...entry } }),
      }).PROXY_SERVICES['s'];

    it('requires paths: a service without them opens nothing and is refused at start-up', () => {
      expect(() => services({})).toThrow(/PROXY_SERVICES\.s\.paths/);
      expect(() => services({ paths: [] })).toThrow(ConfigError);
    });

    it.each(['/', '/get', '/anything/', '/a/b-c.d_e~f/', '/v1:x/@y'])(
      'accepts the prefix %s',
      (path) => {
        expect(services({ paths: [path] })?.paths).toEqual([path]);
      },
    );

    it.each(['get', '', '//', '/a//b', '/a?b', '/a#b', '/a%2Fb', '/a\\b', '/a b'])(
      'refuses the prefix %j',
      (path) => {
        expect(() => services({ paths: [path] })).toThrow(ConfigError);
      },
    );

    it('takes GET and HEAD as methods, and refuses any other or none', () => {
      expect(services({ paths: ['/'], methods: ['GET'] })?.methods).toEqual(['GET']);
      for (const methods of [['POST'], [], ['GET', 'GET'], ['get']]) {
        expect(() => services({ paths: ['/'], methods }), JSON.stringify(methods)).toThrow(
          ConfigError,
        );
      }
    });
  });

  it.each([
    ['PROXY_MAX_RESPONSE_BYTES', '0'],
    ['PROXY_MAX_RESPONSE_BYTES', String(1024 * 1024 * 1024 + 1)],
    ['PROXY_MAX_CONCURRENT_PER_ACCOUNT', '0'],
    ['PROXY_MAX_CONCURRENT_PER_ACCOUNT', '10001'],
  ])('refuses %s=%s', (name, value) => {
    expect(() => loadConfig({ ...required, [name]: value })).toThrow(new RegExp(name));
  });

  it('refuses a number in any form but plain decimal digits, naming the setting', () => {
    const cases: Array<[string, string]> = [
      ['PORT', '3e3'],
      ['RATE_LIMIT_MAX', '1e2'],
      ['SHUTDOWN_TIMEOUT_MS', 'true'],
      ['PORT', '0x10'],
      ['PORT', ' 3000'],
      ['PORT', '3000 '],
      ['PORT', '+3000'],
      ['PORT', '03000'],
      ['PORT', '3000.0'],
      ['PORT', '-1'],
      ['REQUEST_TIMEOUT_MS', 'Infinity'],
      ['MAX_CONNECTIONS', '1_000'],
    ];
    for (const [key, raw] of cases) {
      expect(() => loadConfig({ ...required, [key]: raw }), `${key}=${raw}`).toThrow(ConfigError);
      expect(() => loadConfig({ ...required, [key]: raw }), `${key}=${raw}`).toThrow(
        new RegExp(`^Invalid configuration:\\n  ${key}: `),
      );
    }
  });

  it('accepts plain decimal digits up to and at each bound', () => {
    expect(loadConfig({ ...required, PORT: '0' }).PORT).toBe(0);
    expect(loadConfig({ ...required, PORT: '65535' }).PORT).toBe(65535);
    expect(() => loadConfig({ ...required, PORT: '65536' })).toThrow(/PORT/);
    expect(loadConfig({ ...required, RATE_LIMIT_MAX: '100' }).RATE_LIMIT_MAX).toBe(100);
    expect(loadConfig({ ...required, SHUTDOWN_TIMEOUT_MS: '0' }).SHUTDOWN_TIMEOUT_MS).toBe(0);
  });

  it('takes SHUTDOWN_DRAIN_MS from 0 (the default) to 60000, and counts it in the shutdown budget', () => {
    expect(loadConfig(required).SHUTDOWN_DRAIN_MS).toBe(0);
    const drain = loadConfig({ ...required, SHUTDOWN_DRAIN_MS: '60000' });
    expect(drain.SHUTDOWN_DRAIN_MS).toBe(60_000);
    expect(shutdownBudgetMs(drain)).toBe(60_000 + drain.SHUTDOWN_TIMEOUT_MS + SHUTDOWN_MARGIN_MS);
    expect(() => loadConfig({ ...required, SHUTDOWN_DRAIN_MS: '60001' })).toThrow(
      /SHUTDOWN_DRAIN_MS/,
    );
    expect(() => loadConfig({ ...required, SHUTDOWN_DRAIN_MS: '-1' })).toThrow(/SHUTDOWN_DRAIN_MS/);
  });

  it('reads the server timeouts and the connection cap, with their defaults and bounds', () => {
    expect(loadConfig(required)).toMatchObject({
      REQUEST_TIMEOUT_MS: 30_000,
      HEADERS_TIMEOUT_MS: 10_000,
      KEEP_ALIVE_TIMEOUT_MS: 5_000,
      MAX_CONNECTIONS: 10_000,
    });
    expect(
      loadConfig({ ...required, REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '1000' }),
    ).toMatchObject({ REQUEST_TIMEOUT_MS: 1000, HEADERS_TIMEOUT_MS: 1000 });
    expect(() => loadConfig({ ...required, REQUEST_TIMEOUT_MS: '999' })).toThrow(
      /REQUEST_TIMEOUT_MS/,
    );
    expect(() =>
      loadConfig({ ...required, REQUEST_TIMEOUT_MS: '5000', HEADERS_TIMEOUT_MS: '5001' }),
    ).toThrow(/HEADERS_TIMEOUT_MS: 5001 is longer than REQUEST_TIMEOUT_MS/);
    expect(loadConfig({ ...required, MAX_CONNECTIONS: '0' }).MAX_CONNECTIONS).toBe(0);
  });

  describe('shadow traffic settings (read by the bridge only)', () => {
    it('are off by default: no group, everything sampled, 16 in flight, 2 s, 1 MiB, 60 s', () => {
      expect(loadConfig(required)).toMatchObject({
        SHADOW_GROUPS: [],
        SHADOW_SAMPLE_RATE: 1,
        SHADOW_MAX_PENDING: 16,
        SHADOW_TIMEOUT_MS: 2_000,
        SHADOW_MAX_BODY_BYTES: 1_048_576,
        SHADOW_SUMMARY_INTERVAL_MS: 60_000,
      });
    });

    it('reads SHADOW_GROUPS as a comma list of group names, and refuses another name or a repeat', () => {
      expect(
        loadConfig({ ...required, SHADOW_GROUPS: 'bots, conversations' }).SHADOW_GROUPS,
      ).toEqual(['bots', 'conversations']);
      expect(() => loadConfig({ ...required, SHADOW_GROUPS: 'bots,bot' })).toThrow(
        /SHADOW_GROUPS\.1: must be one of "health", "accounts", "bots"/,
      );
      expect(() => loadConfig({ ...required, SHADOW_GROUPS: 'bots,bots' })).toThrow(
        /SHADOW_GROUPS: must not have duplicate items/,
      );
    });

    it('takes SHADOW_SAMPLE_RATE from 0 to 1 with a fraction, and nothing outside or in another form', () => {
      for (const [raw, value] of [
        ['0', 0],
        ['0.25', 0.25],
        ['1', 1],
        ['1.0', 1],
      ] as const) {
        expect(loadConfig({ ...required, SHADOW_SAMPLE_RATE: raw }).SHADOW_SAMPLE_RATE).toBe(value);
      }
      expect(() => loadConfig({ ...required, SHADOW_SAMPLE_RATE: '1.01' })).toThrow(
        /SHADOW_SAMPLE_RATE: must be <= 1/,
      );
      for (const raw of ['-0.1', '.5', '1e-1', '50%', ' 0.5']) {
        expect(() => loadConfig({ ...required, SHADOW_SAMPLE_RATE: raw }), raw).toThrow(
          /SHADOW_SAMPLE_RATE: must be a number in plain decimal digits/,
        );
      }
    });

    it('bounds the pending shadows, the timeout, the body kept and the summary interval', () => {
      const at = (key: string, raw: string) =>
        loadConfig({ ...required, [key]: raw })[key as 'PORT'];
      expect(at('SHADOW_MAX_PENDING', '1')).toBe(1);
      expect(at('SHADOW_MAX_PENDING', '1000')).toBe(1000);
      expect(at('SHADOW_TIMEOUT_MS', '60000')).toBe(60_000);
      expect(at('SHADOW_MAX_BODY_BYTES', '1024')).toBe(1024);
      expect(at('SHADOW_SUMMARY_INTERVAL_MS', '1000')).toBe(1000);
      for (const [key, raw] of [
        ['SHADOW_MAX_PENDING', '0'],
        ['SHADOW_MAX_PENDING', '1001'],
        ['SHADOW_TIMEOUT_MS', '0'],
        ['SHADOW_TIMEOUT_MS', '60001'],
        ['SHADOW_MAX_BODY_BYTES', '1023'],
        ['SHADOW_MAX_BODY_BYTES', String(16 * 1024 * 1024 + 1)],
        ['SHADOW_SUMMARY_INTERVAL_MS', '999'],
      ] as const) {
        expect(() => loadConfig({ ...required, [key]: raw }), `${key}=${raw}`).toThrow(
          new RegExp(`${key}: must be`),
        );
      }
    });
  });
});
