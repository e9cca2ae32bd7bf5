import { openDatabase } from '@switchyard/persistence';
import { describe, expect, it } from 'vitest';
import { findLeak, findLeaks } from '../src/suites/leaks.js';

async function rejection(work: () => unknown): Promise<Error> {
  try {
    await work();
  } catch (error) {
    return error as Error;
  }
  throw new Error('it did not fail');
}

describe('findLeaks', () => {
  it('names each kind of leak in a real sample of it', async () => {
    const db = await openDatabase();
    const sqlError = await rejection(() =>
      db.query("INSERT INTO accounts (id) VALUES ('not a uuid')"),
    ).finally(() => db.close());
    const parseError = await rejection(() => JSON.parse('{"a": '));
    const stack = String(new Error('boom').stack);

    expect(findLeaks(stack)).toEqual(expect.arrayContaining(['a stack frame', 'a source path']));
    expect(findLeaks(sqlError.message)).toContain('database text');
    expect(findLeaks('SELECT id FROM accounts WHERE username = $1')).toContain('SQL');
    expect(findLeaks(parseError.message)).toContain('a parser message');
    expect(findLeaks(String(new TypeError('x is not a function')))).toContain(
      'an error class name',
    );
  });

  it('finds nothing in the envelopes the apps send', () => {
    for (const message of [
      'The request is not valid',
      'The URL path is not valid percent-encoding',
      'The model service answered 503',
      'No route for GET /v1/nope',
      'Too many requests: try again later',
    ]) {
      expect(findLeak(JSON.stringify({ error: { code: 'SWY_ERR_X', message } }))).toBeUndefined();
    }
  });
});
