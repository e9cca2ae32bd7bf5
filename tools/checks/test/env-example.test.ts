import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '@switchyard/runtime';

// express-api, fastify-api and the bridge read one ConfigSchema; the root .env.example is the one
// place it is documented. The upstream stand-in's own options are in apps/upstream/.env.example.

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

describe('.env.example', () => {
  const text = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');

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

  it('shows the default of every variable it sets', () => {
    const set = Object.fromEntries(assignments(text, false));
    const defaults = loadConfig({
      MODEL_URL: set['MODEL_URL'],
      KNOWLEDGE_URL: set['KNOWLEDGE_URL'],
    });
    expect(loadConfig(set)).toEqual(defaults);
  });

  it('is the only .env.example for the apps that read ConfigSchema', () => {
    for (const app of ['express-api', 'fastify-api', 'bridge-api']) {
      expect(() =>
        readFileSync(new URL(`../../../apps/${app}/.env.example`, import.meta.url)),
      ).toThrow(/ENOENT/);
    }
  });
});
