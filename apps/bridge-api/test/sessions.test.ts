// One bearer token across the bridge (docs/recipes/bridge.md#bridge-tokens): the side that
// serves /v1/sessions makes it, a route on the other side takes it, and a logout refuses it
// on both sides at once, whether the accounts group is still Express's or already moved. The
// contract suite covers one direction in one state (log out on Express, GET /v1/bots refused);
// this covers both sides after the logout, and the state in which accounts is moved.
import { openDatabase, type Database } from '@switchyard/persistence';
import type { RouteGroup } from '@switchyard/api-spec';
import { contractConfig, startUpstream, type RunningUpstream } from '@switchyard/testing';
import { serve, type RunningServer } from '@switchyard/fastify-api';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridge } from '../src/index.js';
import { SPLIT } from './support.js';

const STATES: readonly (readonly [name: string, moved: readonly RouteGroup[]])[] = [
  ['accounts on Express (SPLIT)', SPLIT],
  ['accounts moved to Fastify', [...SPLIT, 'accounts']],
];

let counter = 0;
const credentials = () => ({
  username: `tokens-${Date.now()}-${++counter}`,
  password: 'correct horse battery',
});

describe.each(STATES)('with %s', (_name, moved) => {
  let upstream: RunningUpstream;
  let db: Database;
  let server: RunningServer;
  beforeAll(async () => {
    upstream = await startUpstream();
    db = await openDatabase();
    const config = contractConfig(upstream);
    server = await serve(buildBridge({ config, db, logger: false, moved }), config);
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    await upstream?.close();
  });

  /** Signs up and logs in; the bearer header of the new session. */
  async function logIn(user = credentials()): Promise<{ authorization: string }> {
    await request(server.url).post('/v1/accounts').send(user).expect(201);
    const session = await request(server.url).post('/v1/sessions').send(user).expect(201);
    return { authorization: `Bearer ${(session.body as { token: string }).token}` };
  }

  it('premise: bots is served by Fastify, conversations by Express, in both states', () => {
    expect(moved).toContain('bots');
    expect(moved).not.toContain('conversations');
  });

  it('takes the token on both sides, and refuses it on both after a logout', async () => {
    const auth = await logIn();
    await request(server.url).get('/v1/bots').set(auth).expect(200);
    await request(server.url).get('/v1/conversations').set(auth).expect(200);

    await request(server.url).delete('/v1/sessions/current').set(auth).expect(204);

    for (const path of ['/v1/bots', '/v1/conversations']) {
      const res = await request(server.url).get(path).set(auth);
      expect(res.status, path).toBe(401);
      expect(res.body).toMatchObject({ error: { code: 'SWY_ERR_AUTH_REQUIRED' } });
    }
    await request(server.url).delete('/v1/sessions/current').set(auth).expect(401);
  });

  it('ends every session of the account on both sides with DELETE /v1/sessions', async () => {
    const user = credentials();
    const first = await logIn(user);
    const session = await request(server.url).post('/v1/sessions').send(user).expect(201);
    const second = { authorization: `Bearer ${(session.body as { token: string }).token}` };
    const other = await logIn();

    await request(server.url).delete('/v1/sessions').set(second).expect(204);

    for (const auth of [first, second]) {
      await request(server.url).get('/v1/bots').set(auth).expect(401);
      await request(server.url).get('/v1/conversations').set(auth).expect(401);
    }
    await request(server.url).get('/v1/bots').set(other).expect(200);
    await request(server.url).get('/v1/conversations').set(other).expect(200);
  });
});
