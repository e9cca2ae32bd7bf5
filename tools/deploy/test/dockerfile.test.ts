import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKSPACE } from '../src/build-app.js';
import { DOCKERFILE, lintDockerfile, readStages, runtimeStage } from '../src/dockerfile.js';

const text = readFileSync(DOCKERFILE, 'utf8');

describe('Dockerfile', () => {
  it('passes dockerfile-utils with every check on and no finding', () => {
    expect(lintDockerfile(text)).toEqual([]);
  });

  it('would fail the lint with a second CMD or a relative WORKDIR (the linter is on)', () => {
    const broken = `${text}\nWORKDIR app\nCMD ["node", "other.js"]\n`;
    const findings = lintDockerfile(broken);
    expect(findings.some((f) => /CMD/.test(f))).toBe(true);
    expect(findings.some((f) => /WORKDIR/i.test(f))).toBe(true);
  });

  it('builds from a Node image pinned to the Active LTS major, slim', () => {
    expect(text).toMatch(/^ARG NODE_IMAGE=node:26-bookworm-slim$/m);
    expect(readStages(text).map((s) => s.name)).toEqual(['build', 'deps', 'runtime']);
  });

  it('picks the app with ARG APP, fastify-api unless told', () => {
    expect(text).toMatch(/^ARG APP=fastify-api$/m);
    expect(text).toMatch(/build-app\.ts "\$\{APP\}" --outdir \/out/);
  });

  it('installs production dependencies only in the stage the runtime copies node_modules from', () => {
    expect(text).toMatch(/^RUN npm install --omit=dev\b/m);
  });

  it('runs as a numeric non-root user, with an exec-form CMD, SIGTERM and a node HEALTHCHECK', () => {
    const stage = runtimeStage(text);
    const [uid] = (stage.user ?? '').split(':');
    expect(uid).toMatch(/^[1-9][0-9]*$/);
    expect(stage.cmd).toEqual(['node', 'main.js']);
    expect(stage.stopSignal).toBe('SIGTERM');
    expect(stage.healthcheck?.cmd[0]).toBe('node');
    expect(stage.healthcheck?.cmd.join(' ')).toContain('/ready');
    expect(stage.env).toMatchObject({ NODE_ENV: 'production', HOST: '0.0.0.0' });
    expect(stage.expose).toEqual([stage.env['PORT']]);
  });
});

describe('.dockerignore', () => {
  it('keeps host-installed and built files out of the build context', () => {
    const lines = readFileSync(path.join(WORKSPACE, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['**/node_modules', '**/dist', '.git', '.env', '.data'])
      expect(lines).toContain(pattern);
  });
});
