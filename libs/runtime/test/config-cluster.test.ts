import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/index.js';

const required = { MODEL_URL: 'http://127.0.0.1:4010', KNOWLEDGE_URL: 'http://127.0.0.1:4010' };

describe('loadConfig: WEB_CONCURRENCY', () => {
  it('defaults to 1 and accepts 1 to 64', () => {
    expect(loadConfig(required).WEB_CONCURRENCY).toBe(1);
    expect(loadConfig({ ...required, WEB_CONCURRENCY: '1' }).WEB_CONCURRENCY).toBe(1);
    const url = 'postgres://postgres@127.0.0.1:5432/test';
    expect(loadConfig({ ...required, WEB_CONCURRENCY: '64', DATABASE_URL: url })).toMatchObject({
      WEB_CONCURRENCY: 64,
    });
    for (const bad of ['0', '65', 'two']) {
      expect(() => loadConfig({ ...required, WEB_CONCURRENCY: bad }), bad).toThrow(
        /^Invalid configuration:\n {2}WEB_CONCURRENCY: /,
      );
    }
  });

  it('stops the start when more than one worker would share PGlite (no DATABASE_URL)', () => {
    let error: unknown;
    try {
      loadConfig({ ...required, WEB_CONCURRENCY: '2', PGLITE_DATA_DIR: '/tmp/x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const [heading, ...problems] = (error as Error).message.split('\n');
    expect(heading).toBe('Invalid configuration:');
    expect(problems).toEqual([
      "  WEB_CONCURRENCY: 2 workers need DATABASE_URL (PGlite is one process's embedded database; workers cannot share it)",
    ]);
  });
});
