// The bridge's request histogram labels both sides' routes with their patterns: Fastify's own,
// and for the groups still on Express the pattern Express's router matched (plugins/metrics.ts
// in fastify-api reads it off the raw request). Tracing is fastify-api's and express-api's.
import type { Database } from '@switchyard/persistence';
import { databaseTargets } from '@switchyard/persistence/testing';
import { contractConfig, startUpstream, type RunningUpstream } from '@switchyard/testing';
import type { RunningServer } from '@switchyard/fastify-api';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../src/index.js';
import { SPLIT } from './support.js';

describe('GET /metrics on the bridge (METRICS_PORT)', () => {
  let upstream: RunningUpstream;
  let db: Database;
  let server: RunningServer;
  beforeAll(async () => {
    upstream = await startUpstream();
    // The PostgreSQL server when there is one (no PGlite start-up to wait for), else PGlite.
    const targets = await databaseTargets();
    db = await (targets.find((t) => t.kind === 'postgres' && !t.skipReason) ?? targets[0]!).open();
    const config = contractConfig(upstream, { METRICS_PORT: '0' });
    server = await startServer({ config, db, logger: false, moved: SPLIT });
  });
  afterAll(async () => {
    await server?.close();
    await db?.close();
    await upstream?.close();
  });

  it('labels requests to either side with the route pattern, and unknown URLs as unmatched', async () => {
    await request(server.url).get('/v1/bots').expect(401);
    await request(server.url).get(`/v1/conversations/${crypto.randomUUID()}/messages`).expect(401);
    await request(server.url).get('/no/such/route').expect(404);

    const text = (await request(server.metricsUrl!).get('/metrics').expect(200)).text;
    const routes = [
      ...text.matchAll(/^http_server_request_duration_seconds_count\{[^}]*route="([^"]*)"/gm),
    ].map((m) => m[1]);
    expect(new Set(routes)).toEqual(
      new Set(['/v1/bots', '/v1/conversations/:id/messages', 'unmatched']),
    );
  });
});
