import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '@switchyard/domain';

const text = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');

/** `NAME=value` lines, set or commented out with `# NAME=value`. */
function assignments(commented: boolean): Map<string, string> {
  const pattern = commented ? /^#\s*([A-Z][A-Z0-9_]*)=(.*)$/ : /^([A-Z][A-Z0-9_]*)=(.*)$/;
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const match = pattern.exec(line.trim());
    if (match) out.set(match[1]!, match[2]!);
  }
  return out;
}

describe('.env.example', () => {
  it('documents every variable of ConfigSchema and no other', () => {
    const documented = new Set([...assignments(false).keys(), ...assignments(true).keys()]);
    expect([...documented].sort()).toEqual(Object.keys(ConfigSchema.properties).sort());
  });

  it('holds values that loadConfig accepts, the commented-out examples included', () => {
    expect(() => loadConfig(Object.fromEntries(assignments(false)))).not.toThrow();
    expect(() =>
      loadConfig({
        ...Object.fromEntries(assignments(false)),
        ...Object.fromEntries(assignments(true)),
      }),
    ).not.toThrow();
  });
});
