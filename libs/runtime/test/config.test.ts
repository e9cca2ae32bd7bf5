import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.js';

const required = { MODEL_URL: 'http://127.0.0.1:4010', KNOWLEDGE_URL: 'http://127.0.0.1:4010' };

describe('loadConfig', () => {
  it('converts numbers, parses PROXY_SERVICES and fills defaults', () => {
    const config = loadConfig({
      ...required,
      PORT: '3001',
      PROXY_SERVICES: '{"httpbin":{"url":"http://127.0.0.1:4010","headers":{"x-api-key":"k"}}}',
    });
    expect(config).toMatchObject({
      PORT: 3001,
      HOST: '127.0.0.1',
      BODY_LIMIT_BYTES: 65_536,
      PROXY_SERVICES: { httpbin: { url: 'http://127.0.0.1:4010', headers: { 'x-api-key': 'k' } } },
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

  it('refuses PROXY_SERVICES that is not JSON or names a service badly', () => {
    expect(() => loadConfig({ ...required, PROXY_SERVICES: '{nope' })).toThrow(
      /PROXY_SERVICES: is not valid JSON/,
    );
    expect(() =>
      loadConfig({ ...required, PROXY_SERVICES: '{"Bad Name":{"url":"http://x"}}' }),
    ).toThrow(ConfigError);
  });
});
