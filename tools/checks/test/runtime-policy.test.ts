// The runtime policy (README, "Supported Node versions"): one `engines` range in every
// package.json, `.node-version` naming the newest major that range admits (the active LTS), and
// CI running the contract suites again on the majors it names.
import { readdirSync, readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');
const enginesOf = (file: string): string | undefined =>
  (JSON.parse(read(file)) as { engines?: { node?: string } }).engines?.node;

/** The root package.json and every workspace's, from the root's `workspaces` globs (`dir/*`). */
function packageFiles(): string[] {
  const { workspaces } = JSON.parse(read('package.json')) as { workspaces: string[] };
  const files = ['package.json'];
  for (const glob of workspaces) {
    const dir = glob.replace(/\/\*$/, '');
    for (const entry of readdirSync(new URL(`${dir}/`, root), { withFileTypes: true })) {
      if (entry.isDirectory()) files.push(`${dir}/${entry.name}/package.json`);
    }
  }
  return files;
}

const range = enginesOf('package.json') ?? '';
/** The even (LTS) majors from 20 to 30 that the range admits at their first release. */
const admitted = [20, 22, 24, 26, 28, 30].filter((major) =>
  semver.intersects(range, `^${major}.0.0`),
);

describe('the supported Node versions', () => {
  it('are one engines range, the same in every package.json', () => {
    const files = packageFiles();
    expect(files.length).toBeGreaterThan(10);
    const ranges = Object.fromEntries(files.map((f) => [f, enginesOf(f)]));
    expect(ranges).toEqual(Object.fromEntries(files.map((f) => [f, range])));
  });

  it('run from Node 20.19 to Node 26, and not past what was tested', () => {
    expect(semver.validRange(range)).not.toBeNull();
    expect(semver.satisfies('20.19.0', range)).toBe(true);
    expect(semver.satisfies('20.18.3', range)).toBe(false);
    expect(admitted).toEqual([20, 22, 24, 26]);
  });

  it('.node-version recommends the newest admitted major, the active LTS', () => {
    expect(read('.node-version').trim()).toBe(String(admitted.at(-1)));
  });

  it('include every major CI runs the contract suites on, the recommended one among them', () => {
    const ci = read('.ci/run');
    const listed = /^EXTRA_NODE_MAJORS="([\d ]+)"$/m.exec(ci)?.[1]?.split(' ').map(Number);
    expect(listed, '.ci/run sets EXTRA_NODE_MAJORS="<majors>"').toBeDefined();
    for (const major of listed ?? []) expect(admitted).toContain(major);
    expect(listed).toContain(admitted.at(-1));
  });

  it('are the ones the README states', () => {
    const readme = read('README.md');
    expect(readme).toContain(`\`${range}\``);
    expect(readme).toContain(`we recommend ${admitted.at(-1)}, the active LTS`);
  });
});
