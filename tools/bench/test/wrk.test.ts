// The wrk client's parser, on output captured from real wrk 4.1.0 runs on this machine
// (test/fixtures/wrk-*.txt), so that a change in how wrk prints shows up here.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { childCpuSeconds, parseClients, parseWrk, parseWrkDuration } from '../src/lib/wrk.js';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('parseWrkDuration', () => {
  it('reads microseconds, milliseconds and seconds into milliseconds', () => {
    expect(parseWrkDuration('912.00us')).toBeCloseTo(0.912);
    expect(parseWrkDuration('80.36ms')).toBeCloseTo(80.36);
    expect(parseWrkDuration('1.38s')).toBeCloseTo(1380);
  });

  it('throws on anything else', () => {
    expect(() => parseWrkDuration('12.3ks')).toThrow(/not a wrk duration/);
  });
});

describe('parseWrk', () => {
  it('reads the requests, the run length, p50 and p99 of a run that timed one request out', async () => {
    const f = parseWrk(await fixture('wrk-loaded-machine.txt'));
    expect(f).toEqual({
      requests: 1742,
      seconds: 2.02,
      non2xx: 0,
      errors: 1,
      p50: 80.36,
      p99: 1380,
    });
  });

  it('counts the non-2xx answers and reads percentiles printed in seconds', async () => {
    const f = parseWrk(await fixture('wrk-non2xx.txt'));
    expect(f.requests).toBe(166);
    expect(f.non2xx).toBe(166);
    expect(f.errors).toBe(0);
    expect(f.p50).toBeCloseTo(745.47);
    expect(f.p99).toBeCloseTo(1510);
  });

  it('reads percentiles printed in microseconds from an unloaded run', async () => {
    const f = parseWrk(await fixture('wrk-fast.txt'));
    expect(f.requests).toBe(23021);
    expect(f.seconds).toBe(2);
    expect(f.p50).toBeCloseTo(0.068);
    expect(f.p99).toBeCloseTo(4.22);
  });

  it('refuses output without --latency', async () => {
    const text = (await fixture('wrk-non2xx.txt')).replace(
      /Latency Distribution[\s\S]*?99%.*\n/,
      '',
    );
    expect(() => parseWrk(text)).toThrow(/--latency/);
  });
});

describe('childCpuSeconds', () => {
  it("adds the children's user and system ticks of the wrapper shell's stat line", () => {
    // Captured from `sh -c 'node -e "<a busy loop>"; echo "wrk-shell-stat: $(cat /proc/$$/stat)"'`
    // on this machine: cutime 758 and cstime 8 ticks, at 100 ticks a second.
    const line =
      'wrk-shell-stat: 19812 (sh) S 19810 19810 5697 0 -1 4194304 127 2824 0 0 0 0 758 8 20 0 1 0 141432 2654208 374 18446744073709551615 94490023313408 94490023390137 140734720552736 0 0 0 0 0 65538 1 0 0 17 1 0 0 0 0 0 94490023419440 94490023424576 94490901880832 140734720555671 140734720555768 140734720555768 140734720557036 0';
    expect(childCpuSeconds(`Requests/sec: 1\n${line}\n`)).toBeCloseTo(7.66);
  });
});

describe('parseClients', () => {
  it('reads one client for all scenarios or one per scenario', () => {
    expect(parseClients('wrk')).toEqual({ '*': 'wrk' });
    expect(parseClients('node=wrk,throughput=autocannon')).toEqual({
      node: 'wrk',
      throughput: 'autocannon',
    });
    expect(parseClients(undefined)).toEqual({});
  });

  it('throws on an unknown client', () => {
    expect(() => parseClients('node=ab')).toThrow(/autocannon or wrk/);
  });
});
