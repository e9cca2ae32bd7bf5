// The thread-pool scenario's parts that can be checked without timing anything: the sizes it
// starts, the log-in load's bound on requests in flight, the thread count it reads from /proc,
// and where its reading says the sweep flattens. The smoke test runs the whole scenario.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Options } from '../src/lib/context.js';
import type { LoadResult } from '../src/lib/load.js';
import type { ProbeReading } from '../src/lib/probe-reading.js';
import { loginLoad, report, threadpool, threadsOf, type Run } from '../src/scenarios/threadpool.js';

const options = (mode: Options['mode']) => ({
  options: { mode } as Options,
  postgresUrl: undefined,
});

describe('threadpool scenario', () => {
  it('starts fastify-api once per UV_THREADPOOL_SIZE of the sweep, two sizes in --smoke', () => {
    const sizes = (mode: Options['mode']) =>
      threadpool.needs!(options(mode)).map((s) => [s.kind, s.env?.['UV_THREADPOOL_SIZE']]);
    expect(sizes('full')).toEqual(['1', '2', '4', '8', '16', '64'].map((n) => ['fastify-api', n]));
    expect(sizes('smoke')).toEqual([
      ['fastify-api', '1'],
      ['fastify-api', '4'],
    ]);
  });
});

describe('loginLoad', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  /** A log-in endpoint that answers `status` after 20 ms and records the most held at once. */
  async function fakeLogins(status: number) {
    const seen = { most: 0, now: 0, total: 0 };
    server = createServer((req, res) => {
      seen.now += 1;
      seen.total += 1;
      seen.most = Math.max(seen.most, seen.now);
      req.resume();
      setTimeout(() => {
        seen.now -= 1;
        res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
      }, 20);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  }

  const user = { username: 'u', password: 'p', token: 't' };

  it('keeps exactly `inFlight` log-ins outstanding and counts every one answered', async () => {
    const { url, seen } = await fakeLogins(201);
    const result = await loginLoad(url, user, 6, 0.3);
    expect(seen.most).toBe(6);
    // Every log-in sent was answered and counted, the last ones after the window too.
    expect(result.answered).toBe(seen.total);
    expect(seen.now).toBe(0);
    expect(result.perS).toBeGreaterThan(0);
  });

  it('fails when a log-in is not answered 201', async () => {
    const { url } = await fakeLogins(429);
    await expect(loginLoad(url, user, 2, 0.1)).rejects.toThrow(/not answered 201/);
  });
});

describe('threadsOf', () => {
  it.runIf(existsSync('/proc/self/task'))(
    "sees a child's thread pool grow with its UV_THREADPOOL_SIZE",
    async () => {
      const threadsWith = async (size: number) => {
        // One scrypt starts the pool (all of its threads at once); then the child waits.
        const child = spawn(
          process.execPath,
          [
            '-e',
            "require('crypto').scrypt('a', 'b', 16, () => console.log('ready')); setInterval(() => {}, 1000)",
          ],
          {
            env: { ...process.env, UV_THREADPOOL_SIZE: String(size) },
            stdio: ['ignore', 'pipe', 'inherit'],
          },
        );
        try {
          await once(child.stdout!, 'data');
          return threadsOf(child.pid)!;
        } finally {
          child.kill();
        }
      };
      const one = await threadsWith(1);
      const five = await threadsWith(5);
      if (five.pool) {
        expect([one.pool, five.pool]).toEqual([1, 5]);
      } else {
        expect(five.total - one.total).toBe(4);
      }
    },
  );

  it('answers undefined for a process it cannot read', () => {
    expect(threadsOf(undefined)).toBeUndefined();
    expect(threadsOf(2 ** 30)).toBeUndefined();
  });
});

describe('report', () => {
  it('gives no p99 for a window in which the probe got no answer', () => {
    const starved = { ...run(15, 0), probe: { ...run(15, 0).probe, total: 0, rps: 0, p99: 0 } };
    const section = report([1, 2], [[starved], [run(28, 40)]], [undefined, undefined], 64, 1, 1);
    expect(section.tables).toMatch(/^\| 1 +\|.*\| 0 +\| n\/a +\|/m);
    expect(section.reading[1]).toContain('got no answer at all');
  });

  const run = (loginsPerS: number, p99: number): Run => ({
    loginsPerS,
    loginP50: 100,
    probe: {
      rps: 200,
      p50: 5,
      p99,
      total: 200,
      non2xx: 0,
      errors: 0,
      clientCpu: 0.1,
    } as LoadResult,
    loop: { loopP50: 10, loopP99: p99, loopMax: p99, rss: 1, peakRss: 1, cpuMs: 1 } as ProbeReading,
  });

  it('says from which size log-ins per second stay within 10 % of the best', () => {
    const section = report(
      [1, 2, 4, 8],
      [[run(15, 20)], [run(28, 40)], [run(30, 60)], [run(29, 80)]],
      [undefined, undefined, undefined, undefined],
      64,
      1,
      1,
    );
    expect(section.reading[0]).toContain('within 10 % of that from UV_THREADPOOL_SIZE = 2 on');
    expect(section.reading[1]).toContain('lowest at 1 thread(s) (20 ms) and highest at 8 (80 ms)');
    expect(section.tables).toMatch(/^\| 4 +\| — +\| 30 +\| 100 ms +\| 200 +\| 60 ms +\|/m);
    expect(section.charts.map((c) => c.file)).toEqual([
      'threadpool-logins.svg',
      'threadpool-p99.svg',
    ]);
  });
});
