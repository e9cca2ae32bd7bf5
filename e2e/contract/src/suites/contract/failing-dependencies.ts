import type { DatabaseTarget } from '@switchyard/persistence/testing';
import type { AppUnderTest } from '@switchyard/testing';
import { expect, it } from 'vitest';
import { buildCredentials, expectError, useEnvironment } from '../../support.js';

/**
 * The app on its own environment whose dependencies fail: the model service answers after 3 s
 * but the app waits 300 ms, no knowledge source listens, and one case closes the database.
 */
export function failingDependencyCases(subject: AppUnderTest, target: DatabaseTarget): void {
  const ctx = useEnvironment(subject, target, {
    latencyMs: 3000,
    overrides: (_upstream, downPort) => ({
      UPSTREAM_TIMEOUT_MS: '300',
      KNOWLEDGE_URL: `http://127.0.0.1:${downPort}`,
    }),
  });
  const { api } = ctx;

  it('answers 504 SWY_ERR_UPSTREAM_TIMEOUT when the model is too slow, and stores nothing', async () => {
    const { auth } = await ctx.signUp();
    const res = await api().post('/v1/bots/model/messages').set(auth).send({ text: 'slow' });
    expectError('postMessage', res, 504, 'SWY_ERR_UPSTREAM_TIMEOUT');
    const list = await api().get('/v1/conversations').set(auth).expect(200);
    expect(list.body.conversations).toEqual([]);
  });

  it('answers 502 SWY_ERR_UPSTREAM_UNAVAILABLE when no knowledge source listens', async () => {
    const { auth } = await ctx.signUp();
    const res = await api().post('/v1/bots/ensemble/messages').set(auth).send({ text: 'q' });
    expectError('postMessage', res, 502, 'SWY_ERR_UPSTREAM_UNAVAILABLE');
  });

  it('reports 503 on /ready and SWY_ERR_DATABASE_UNAVAILABLE once the database is gone', async () => {
    await ctx.env.db.close();
    const ready = await api().get('/ready');
    expectError('ready', ready, 503, 'SWY_ERR_NOT_READY');
    const login = await api().post('/v1/sessions').send(buildCredentials());
    expectError('createSession', login, 503, 'SWY_ERR_DATABASE_UNAVAILABLE');
    const health = await api().get('/health');
    expect(health.status).toBe(200);
  });
}
