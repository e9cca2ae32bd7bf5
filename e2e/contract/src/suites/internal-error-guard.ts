import type { Database } from '@switchyard/persistence';
import { databaseTargets } from '@switchyard/persistence/testing';
import { startEnvironment, type AppUnderTest, type Environment } from '@switchyard/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { failOnInternalErrors, signUp, type Account, type GuardedApp } from '../support.js';
import { reportCases } from './report.js';

/** The database, but a query on the conversations throws a TypeError: a bug, as the app sees it. */
function buggyConversations(db: Database, bug: { on: boolean }): Database {
  return {
    kind: db.kind,
    query: ((text: Parameters<Database['query']>[0], values?: readonly unknown[]) =>
      // A named statement (the repositories' prepared ones) carries its SQL in `text`.
      bug.on && /\bconversations\b/.test(typeof text === 'string' ? text : text.text)
        ? Promise.reject(new TypeError('injected: a bug in the conversations query'))
        : db.query(text, values)) as Database['query'],
    transaction: (work) => db.transaction(work),
    ping: () => db.ping(),
    close: () => db.close(),
  };
}

/**
 * The guard that fails a case on an unexpected 500 (failOnInternalErrors in support.ts), tested
 * over every app: a bug's 500 is caught, an upstream's 502 is not. Each case takes what the
 * guard caught itself, so its own afterEach passes. Prints its case count.
 */
export async function runInternalErrorGuardSuite(subject: AppUnderTest): Promise<void> {
  const pglite = (await databaseTargets()).find((target) => target.kind === 'pglite');
  if (!pglite) throw new Error('internal-error guard: no PGlite database target');
  reportCases('internal-error guard', subject.name, 2);

  describe(`${subject.name}: the e2e guard against unexpected 500s`, () => {
    const bug = { on: false };
    const guarded: GuardedApp = failOnInternalErrors(subject);
    let env: Environment;
    let account: Account;

    beforeAll(async () => {
      env = await startEnvironment(
        {
          name: guarded.name,
          start: ({ config, db }) => guarded.start({ config, db: buggyConversations(db, bug) }),
        },
        pglite,
      );
      account = await signUp(env.app.url);
    });
    afterAll(async () => {
      await env?.close();
    });

    it('catches the SWY_ERR_INTERNAL line of a 500', async () => {
      bug.on = true;
      try {
        const res = await request(env.app.url).get('/v1/conversations').set(account.auth);
        expect(res.status).toBe(500);
      } finally {
        bug.on = false;
      }
      let caught: string[] = [];
      await vi.waitFor(() => {
        caught.push(...guarded.takeInternalErrors());
        expect(caught).toHaveLength(1);
      });
      expect(JSON.parse(caught[0]!)).toMatchObject({ level: 50, code: 'SWY_ERR_INTERNAL' });
      caught = [];
    });

    it('lets a 502 from an upstream pass', async () => {
      env.upstream.faults.set({ fault: '5xx', status: 500 });
      try {
        const res = await request(env.app.url)
          .post('/v1/bots/model/messages')
          .set(account.auth)
          .send({ text: 'hi' });
        expect(res.status).toBe(502);
      } finally {
        env.upstream.faults.clear();
      }
      expect(guarded.takeInternalErrors()).toEqual([]);
    });
  });
}
