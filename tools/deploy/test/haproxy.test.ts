import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { HAPROXY_CFG } from '../src/manifests.js';

const HAPROXY = process.env['HAPROXY_BIN'] ?? '/usr/sbin/haproxy';

async function check(file: string): Promise<{ code: number; output: string }> {
  if (!existsSync(HAPROXY)) {
    throw new Error(`${HAPROXY} is missing: apt-get install -y haproxy (or set HAPROXY_BIN)`);
  }
  try {
    const { stdout, stderr } = await promisify(execFile)(HAPROXY, ['-c', '-f', file]);
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

describe('deploy/haproxy/haproxy.cfg', () => {
  it('passes haproxy -c here, where the compose service names do not resolve', async () => {
    const { code, output } = await check(HAPROXY_CFG);
    expect(output).toContain('Configuration file is valid');
    expect(code).toBe(0);
    // The only warnings: the replicas' names, which only Docker's DNS knows.
    const warnings = output.split('\n').filter((line) => line.includes('[WARNING]'));
    expect(warnings.length).toBeGreaterThan(0);
    for (const warning of warnings)
      expect(warning).toMatch(/could not resolve address '(fastify|express)-api'/);
  });

  // HAProxy 2.6 here: with `resolvers` a server-template slot whose name does not resolve starts
  // down even without init-addr (the file says init-addr none anyway, so it does not depend on
  // that default); without both, a name that does not resolve at start-up is fatal.
  it('fails that check without resolvers and init-addr, which is why the file has them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'swy-haproxy-'));
    try {
      const original = await readFile(HAPROXY_CFG, 'utf8');
      const strict = original.replace(
        /^(\s*default-server .*) resolvers docker init-addr \S+$/m,
        '$1',
      );
      expect(strict).not.toBe(original);
      await writeFile(path.join(dir, 'haproxy.cfg'), strict);
      const { code, output } = await check(path.join(dir, 'haproxy.cfg'));
      expect(code).not.toBe(0);
      expect(output).toMatch(/ALERT.*could not resolve address 'fastify-api'/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
