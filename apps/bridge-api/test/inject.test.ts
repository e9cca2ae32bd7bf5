// The fourth trap of @fastify/express: Fastify's inject() (light-my-request). Express's own
// first middleware gives every request and response it sees Express's prototypes, and
// @fastify/express runs it for every request, so an injected response loses the methods that
// light-my-request records the body with: the status and headers arrive, the body does not,
// on Express's routes and Fastify's alike. That is why the contract suite runs every app over
// real HTTP (supertest against a listening server), never through inject().
import { openDatabase, type Database } from '@switchyard/persistence';
import { routeGroups } from '@switchyard/api-spec';
import { contractConfig, startUpstream, type RunningUpstream } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBridge, MOVED } from '../src/index.js';

describe('trap: inject() on a bridge', () => {
  let upstream: RunningUpstream;
  let db: Database;
  let allMoved: ReturnType<typeof buildBridge>;
  let bridge: ReturnType<typeof buildBridge>;
  beforeAll(async () => {
    upstream = await startUpstream();
    db = await openDatabase();
    const config = contractConfig(upstream);
    allMoved = buildBridge({ config, db, logger: false, moved: routeGroups });
    bridge = buildBridge({ config, db, logger: false, moved: MOVED });
    await Promise.all([allMoved.ready(), bridge.ready()]);
  });
  afterAll(async () => {
    await allMoved?.close();
    await bridge?.close();
    await db?.close();
    await upstream?.close();
  });

  it('returns the body when nothing is left on Express (every group moved, no mount)', async () => {
    const res = await allMoved.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('loses every body while Express is mounted (sprung), on a Fastify route too', async () => {
    const health = await bridge.inject({ method: 'GET', url: '/health' });
    expect(MOVED).toContain('health');
    expect(health.statusCode).toBe(200);
    expect(health.payload).toBe('');

    const created = await bridge.inject({
      method: 'POST',
      url: '/v1/accounts',
      payload: { username: 'inject-user', password: 'correct horse battery' },
    });
    expect(created.statusCode).toBe(201);
    expect(Number(created.headers['content-length'])).toBeGreaterThan(0);
    expect(created.payload).toBe('');
  });
});
