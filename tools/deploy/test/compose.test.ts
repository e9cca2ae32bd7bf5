import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes } from '@switchyard/api-spec';
import { ConfigSchema, loadConfig, shutdownBudgetMs } from '@switchyard/runtime';
import { APPS } from '../src/build-app.js';
import { runtimeStage } from '../src/dockerfile.js';
import {
  HAPROXY_CFG,
  composeEnvironment,
  durationMs,
  interpolate,
  readCompose,
} from '../src/manifests.js';
import { composeProblems } from '../src/schemas.js';

type Service = Record<string, unknown> & {
  build?: { args?: Record<string, string> };
  deploy?: { replicas?: number };
  networks?: string[];
  stop_grace_period?: string;
};

const compose = readCompose();
const services = compose['services'] as Record<string, Service>;
const image = runtimeStage();
/** The services built from the Dockerfile, by the app they build. */
const apps = Object.entries(services).filter(([, s]) =>
  APPS.includes(s.build?.args?.['APP'] as never),
);
const haproxy = readFileSync(HAPROXY_CFG, 'utf8');

describe('compose.yaml', () => {
  it('is valid against the Compose specification (dclint schemas/compose.schema.json)', () => {
    expect(composeProblems(compose)).toEqual([]);
  });

  it('would fail that schema with a misspelt key (the check is on)', () => {
    const broken = structuredClone(compose) as { services: Record<string, Service> };
    broken.services['fastify-api']!['enviroment'] = {};
    expect(composeProblems(broken).join('\n')).toContain('enviroment');
  });

  it('runs two replicas each of express-api and fastify-api, with PostgreSQL, Redis and HAProxy', () => {
    expect(Object.fromEntries(apps.map(([name, s]) => [name, s.deploy?.replicas]))).toEqual({
      'fastify-api': 2,
      'express-api': 2,
    });
    expect(Object.keys(services).sort()).toEqual(
      ['express-api', 'fastify-api', 'haproxy', 'postgres', 'redis'].sort(),
    );
  });

  it('interpolates like Compose with nothing set: defaults, and an error for a bare variable', () => {
    expect(interpolate('${A:-x}/${B-y}/$$')).toBe('x/y/$');
    expect(interpolate('${A:-x}', { A: 'set' })).toBe('set');
    expect(() => interpolate('${A}')).toThrow(/without a default/);
  });

  describe.each(apps)('%s', (name, service) => {
    // What the container gets: the image's ENV, then the service's environment over it.
    const env = { ...image.env, ...composeEnvironment(service) };

    it('sets only settings the apps read, each accepted by their config loader', () => {
      const known = Object.keys(ConfigSchema.properties);
      expect(Object.keys(composeEnvironment(service)).filter((k) => !known.includes(k))).toEqual(
        [],
      );
      expect(() => loadConfig(env)).not.toThrow();
    });

    it('uses the PostgreSQL server and Redis, not PGlite and memory (read_only filesystem)', () => {
      const config = loadConfig(env);
      expect(service['read_only']).toBe(true);
      expect(config.DATABASE_URL).toMatch(/@postgres:5432\//);
      expect(config.REDIS_URL).toBe('redis://redis:6379');
    });

    it('trusts X-Forwarded-For from the network HAProxy shares with it, only', () => {
      const networks = compose['networks'] as Record<
        string,
        { ipam?: { config?: Array<{ subnet: string }> } }
      >;
      const edge = Object.entries(networks).find(
        ([, n]) => n.ipam?.config?.[0]?.subnet === loadConfig(env).TRUST_PROXY,
      );
      expect(edge).toBeDefined();
      expect(services['haproxy']!.networks).toEqual([edge![0]]);
      expect(service.networks).toContain(edge![0]);
    });

    it('is balanced by HAProxy on its PORT with health checks on /ready', () => {
      const { PORT } = loadConfig(env);
      const backend = haproxy.split(/^backend /m).find((b) => b.startsWith(`${name}\n`));
      expect(backend).toBeDefined();
      expect(backend).toContain(`http-check send meth GET uri ${apiRoutes.ready.path}`);
      expect(backend).toContain('http-check expect status 200');
      const slots = /^\s*server-template \S+ (\d+) (\S+)$/m.exec(backend!);
      expect(slots?.[2]).toBe(`${name}:${PORT}`);
      expect(Number(slots?.[1])).toBeGreaterThanOrEqual(service.deploy!.replicas!);
    });

    it('gives SIGTERM at least SHUTDOWN_TIMEOUT_MS plus the margin before SIGKILL', () => {
      const budget = shutdownBudgetMs(loadConfig(env));
      expect(durationMs(service.stop_grace_period ?? '10s')).toBeGreaterThanOrEqual(budget);
    });
  });

  it('gives each app its own database and Redis key prefix', () => {
    const envs = apps.map(([, s]) => loadConfig({ ...image.env, ...composeEnvironment(s) }));
    expect(new Set(envs.map((c) => c.DATABASE_URL)).size).toBe(apps.length);
    expect(new Set(envs.map((c) => c.REDIS_KEY_PREFIX)).size).toBe(apps.length);
  });
});
