import { openDatabase } from '@switchyard/domain';
import { describe, expect, it } from 'vitest';
import { findLeak } from '../src/lib/leaks.js';

describe('findLeak', () => {
  it("finds a real stack trace and a real database error's text", async () => {
    const db = await openDatabase();
    let sqlError: Error | undefined;
    try {
      await db.query("INSERT INTO accounts (id) VALUES ('not a uuid')");
    } catch (error) {
      sqlError = error as Error;
    } finally {
      await db.close();
    }
    expect(sqlError).toBeDefined();
    expect(findLeak(String(sqlError!.stack))).toBeDefined();
    expect(findLeak(JSON.stringify({ error: { message: sqlError!.message } }))).toBeDefined();
    let parseError: Error | undefined;
    try {
      JSON.parse('{"a": ');
    } catch (error) {
      parseError = error as Error;
    }
    expect(findLeak(parseError!.message)).toBe('a parser message');
    expect(findLeak('SELECT id FROM accounts WHERE username = $1')).toBe('SQL');
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
