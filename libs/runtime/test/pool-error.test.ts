import { describe, expect, it } from 'vitest';
import { IDLE_POOL_ERROR_MESSAGE, logIdlePoolError } from '../src/index.js';

describe('logIdlePoolError', () => {
  it('writes one warn line with the error and the one message', () => {
    const lines: Array<[object, string]> = [];
    const error = new Error('terminating connection due to administrator command');
    logIdlePoolError({ warn: (fields, message) => void lines.push([fields, message]) }, error);
    expect(lines).toEqual([[{ err: error }, IDLE_POOL_ERROR_MESSAGE]]);
    expect(IDLE_POOL_ERROR_MESSAGE).toBe('An idle database connection failed');
  });
});
