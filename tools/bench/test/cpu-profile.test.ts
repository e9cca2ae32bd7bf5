// Reading .cpuprofile files (src/lib/cpu-profile.ts): self time inside a window, and the groups
// that the light-route profile (src/profile-apps.ts) reports, on keys in the form V8 and
// `where` give them.
import { describe, expect, it } from 'vitest';
import {
  byGroup,
  functionKey,
  groupOf,
  selfTimes,
  where,
  type CpuProfile,
} from '../src/lib/cpu-profile.js';

const WS = 'file:///work/repo';
const NM = `${WS}/node_modules`;

describe('where', () => {
  it('shortens a package file, a workspace file, and leaves node:… alone', () => {
    expect(where(`${NM}/fastify/lib/reply.js`)).toBe('fastify/lib/reply.js');
    expect(where(`${NM}/.pnpm/x/node_modules/@pinojs/redact/index.js`)).toBe(
      '@pinojs/redact/index.js',
    );
    expect(where(`${WS}/apps/fastify-api/dist/app.js`)).toBe('apps/fastify-api/dist/app.js');
    expect(where('node:_http_outgoing')).toBe('node:_http_outgoing');
    expect(where('')).toBe('');
  });
});

describe('groupOf', () => {
  it.each([
    [functionKey('parseDirectives', `${NM}/helmet/index.cjs`), 'helmet'],
    [functionKey('cloneSelectively', `${NM}/@pinojs/redact/index.js`), 'logging (pino)'],
    [functionKey('asChindings', `${NM}/pino/lib/tools.js`), 'logging (pino)'],
    [
      functionKey('(anonymous)', `${WS}/apps/fastify-api/dist/plugins/errors.js`),
      '405/unknown-route hook',
    ],
    [
      functionKey('notFound', `${WS}/apps/express-api/dist/middleware/not-found.js`),
      '405/unknown-route hook',
    ],
    [functionKey('authenticate', `${WS}/apps/express-api/dist/middleware/auth.js`), 'auth'],
    [
      functionKey('authenticateToken', `${WS}/libs/domain/dist/lib/use-cases/accounts.service.js`),
      'auth',
    ],
    [functionKey('Hash', 'node:internal/crypto/hash'), 'auth'],
    [functionKey('digest', ''), 'auth'],
    [
      functionKey('getBufferedUUID', 'node:internal/crypto/random'),
      'hooks and middleware (the app)',
    ],
    [
      functionKey('requestId', `${WS}/apps/express-api/dist/middleware/request-id.js`),
      'hooks and middleware (the app)',
    ],
    [
      functionKey('decodeUnreserved', `${WS}/libs/http-kit/dist/lib/request/path.js`),
      'hooks and middleware (the app)',
    ],
    [functionKey('query', `${NM}/pg/lib/client.js`), 'database (driver, PGlite)'],
    [functionKey('anonymous2', ''), 'serialization'],
    [functionKey('onSendEnd', `${NM}/fastify/lib/reply.js`), 'serialization'],
    [functionKey('json', `${NM}/express/lib/response.js`), 'serialization'],
    [functionKey('send', `${NM}/express/lib/response.js`), 'the framework'],
    [functionKey('handler', `${WS}/apps/fastify-api/dist/routes/bots.js`), 'route handler'],
    [functionKey('next', `${NM}/router/index.js`), 'the framework'],
    [functionKey('find', `${NM}/find-my-way/index.js`), 'the framework'],
    [functionKey('setHeader', 'node:_http_outgoing'), "Node's http, net and streams"],
    [functionKey('writeUtf8String', ''), "Node's http, net and streams"],
    [functionKey('RegExp: [^\\t\\x20-\\x7e\\x80-\\xff]', ''), "Node's http, net and streams"],
    [functionKey('(garbage collector)', ''), 'V8 (GC, compiled code, builtins)'],
    [functionKey('decompress', `${NM}/some-package/index.js`), 'other'],
  ])('%s is in %s', (key, group) => {
    expect(groupOf(key)).toBe(group);
  });
});

describe('selfTimes', () => {
  // Samples at 1000 (a), 1010 (b), 1030 (idle), 1060 (a): each owns the time to the next one.
  const profile: CpuProfile = {
    startTime: 1000,
    nodes: [
      { id: 1, callFrame: { functionName: 'a', url: 'node:net' } },
      { id: 2, callFrame: { functionName: 'b', url: '' } },
      { id: 3, callFrame: { functionName: '(idle)', url: '' } },
    ],
    samples: [1, 2, 3, 1],
    timeDeltas: [0, 10, 20, 30],
  };

  it('gives each sample the time until the next one, and counts (idle) apart', () => {
    const { byFunction, idle } = selfTimes(profile);
    expect(Object.fromEntries(byFunction)).toEqual({ 'a node:net': 10, b: 20 });
    expect(idle).toBe(30);
  });

  it('counts only the samples taken inside the window', () => {
    const { byFunction, idle } = selfTimes(profile, { from: 1005, to: 1040 });
    expect(Object.fromEntries(byFunction)).toEqual({ b: 20 });
    expect(idle).toBe(30);
  });

  it('sums a profile by group', () => {
    const groups = byGroup(selfTimes(profile).byFunction);
    expect(groups.get("Node's http, net and streams")).toBe(10);
    expect(groups.get('V8 (GC, compiled code, builtins)')).toBe(20);
  });
});
