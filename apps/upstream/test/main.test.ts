import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const children: ChildProcessWithoutNullStreams[] = [];

function run(env: Record<string, string>): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    env: { ...process.env, ...env },
  });
  children.push(child);
  return child;
}

function output(stream: NodeJS.ReadableStream): () => string {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  return () => text;
}

async function listeningUrl(child: ChildProcessWithoutNullStreams): Promise<string> {
  const stdout = output(child.stdout);
  const stderr = output(child.stderr);
  for await (const _ of child.stdout) {
    const match = /listening on (http:\/\/\S+)/.exec(stdout());
    if (match?.[1] !== undefined) return match[1];
  }
  throw new Error(`main.ts exited before listening: ${stderr()}`);
}

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('main.ts', () => {
  it('serves on the PORT it is given and exits 0 on SIGTERM', async () => {
    const child = run({ PORT: '0', UPSTREAM_LATENCY_MS: '1' });
    const url = await listeningUrl(child);

    const response = await fetch(`${url}/sources/1/answer?q=hi`);
    expect(response.status).toBe(200);

    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('exits 1 naming the variable when the environment is invalid', async () => {
    const child = run({ PORT: '70000' });
    const stderr = output(child.stderr);

    const [code] = await once(child, 'exit');

    expect(code).toBe(1);
    expect(stderr()).toContain('PORT');
    expect(stderr()).toContain('SWY_ERR_STANDIN_INVALID_OPTION');
  });
});
