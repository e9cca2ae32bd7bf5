import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURE = (name: string) =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A throwaway app: `{ 'app.js': '…' }` written under a new temporary directory. */
export function tempApp(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-migrate-'));
  made.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
