import { spawnProcess, waitForOutput, type SpawnedProcess } from '@switchyard/testing';
import { afterEach, describe, expect, it } from 'vitest';

const children: SpawnedProcess[] = [];

function run(env: Record<string, string>): SpawnedProcess {
  const child = spawnProcess({ name: 'upstream main.ts', entry: 'apps/upstream/src/main.ts', env });
  children.push(child);
  return child;
}

/** The URL main.ts says it listens on: readiness by its log line. */
async function listeningUrl(child: SpawnedProcess): Promise<string> {
  const listening = /listening on (http:\/\/\S+)/;
  await waitForOutput(child, listening, { timeoutMs: 30_000 });
  return listening.exec(child.output.join(''))![1]!;
}

afterEach(async () => {
  for (const child of children.splice(0)) await child.stop({ signal: 'SIGKILL' });
});

describe('main.ts', () => {
  it('serves on the PORT it is given and exits 0 on SIGTERM', async () => {
    const child = run({ PORT: '0', UPSTREAM_LATENCY_MS: '1' });
    const url = await listeningUrl(child);

    const response = await fetch(`${url}/sources/1/answer?q=hi`);
    expect(response.status).toBe(200);

    const { code } = await child.stop();
    expect(code).toBe(0);
  });

  it('exits 1 naming the variable when the environment is invalid', async () => {
    const child = run({ PORT: '70000' });

    const { code } = await child.exited;

    expect(code).toBe(1);
    const stderr = child.output.join('');
    expect(stderr).toContain('PORT');
    expect(stderr).toContain('SWY_ERR_STANDIN_INVALID_OPTION');
  });
});
