import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '@switchyard/runtime';

// Both apps read the same ConfigSchema; each documents it in its own .env.example (the bridge's
// README points to fastify-api's).
const APPS = ['express-api', 'fastify-api'] as const;

/** `NAME=value` lines, set or commented out with `# NAME=value`. */
function assignments(text: string, commented: boolean): Map<string, string> {
  const pattern = commented ? /^#\s*([A-Z][A-Z0-9_]*)=(.*)$/ : /^([A-Z][A-Z0-9_]*)=(.*)$/;
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = pattern.exec(line.trim());
    if (match) out.set(match[1]!, match[2]!);
  }
  return out;
}

describe.each(APPS)('apps/%s/.env.example', (app) => {
  const text = readFileSync(new URL(`../../../apps/${app}/.env.example`, import.meta.url), 'utf8');

  it('documents every variable of ConfigSchema and no other', () => {
    const documented = new Set([
      ...assignments(text, false).keys(),
      ...assignments(text, true).keys(),
    ]);
    expect([...documented].sort()).toEqual(Object.keys(ConfigSchema.properties).sort());
  });

  it('holds values that loadConfig accepts, the commented-out examples included', () => {
    const set = Object.fromEntries(assignments(text, false));
    expect(() => loadConfig(set)).not.toThrow();
    expect(() =>
      loadConfig({ ...set, ...Object.fromEntries(assignments(text, true)) }),
    ).not.toThrow();
  });
});
