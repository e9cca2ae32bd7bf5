import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const PATTERNS = ['fan-out', 'sync-crypto', 'buffered-proxy', 'websocket'] as const;

function sources(dir: string): string[] {
  return readdirSync(path.join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts'))
    .map((file) => path.join(root, dir, file));
}

/** `// MIGRATION(<name>) before:` / `after:` comments in an app's source, by name. */
function markers(dir: string, side: 'before' | 'after'): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of sources(dir)) {
    for (const m of readFileSync(file, 'utf8').matchAll(
      /\/\/ MIGRATION\(([a-z-]+)\) (before|after):/g,
    )) {
      if (m[2] !== side) continue;
      found.set(m[1]!, [...(found.get(m[1]!) ?? []), path.relative(root, file)]);
    }
  }
  return found;
}

describe('the four blocking patterns and their replacements', () => {
  const before = markers('apps/express-api/src', 'before');
  const after = markers('apps/fastify-api/src', 'after');

  it.each(PATTERNS)(
    'marks %s once as "before" in express-api and once as "after" in fastify-api',
    (name) => {
      expect(before.get(name)).toHaveLength(1);
      expect(after.get(name)).toHaveLength(1);
    },
  );

  it('marks nothing else', () => {
    expect(
      [...before.keys(), ...after.keys()].filter((n) => !PATTERNS.includes(n as never)),
    ).toEqual([]);
    expect(
      markers('apps/express-api/src', 'after').size +
        markers('apps/fastify-api/src', 'before').size,
    ).toBe(0);
  });
});
