import { describe, expect, it } from 'vitest';
import { RingRequestLog, type RequestRecord } from './request-log.js';

function buildEntry(overrides: Partial<RequestRecord> = {}): Omit<RequestRecord, 'id'> {
  return {
    time: 0,
    method: 'GET',
    url: '/get',
    headers: {},
    remoteAddress: '127.0.0.1',
    remotePort: 40000,
    ...overrides,
  };
}

function fill(log: RingRequestLog, count: number): void {
  for (let n = 1; n <= count; n += 1) log.record(buildEntry({ url: `/${n}` }));
}

describe('RingRequestLog', () => {
  it('keeps records oldest first, numbered from 1', () => {
    const log = new RingRequestLog(5);
    fill(log, 3);

    expect(log.all().map((r) => [r.id, r.url])).toEqual([
      [1, '/1'],
      [2, '/2'],
      [3, '/3'],
    ]);
    expect(log.count()).toBe(3);
    expect(log.last()?.url).toBe('/3');
  });

  it('drops the oldest records once full, and still counts them in total', () => {
    const log = new RingRequestLog(3);
    fill(log, 7);

    expect(log.all().map((r) => r.url)).toEqual(['/5', '/6', '/7']);
    expect(log.count()).toBe(3);
    expect(log.total()).toBe(7);
    expect(log.last()?.id).toBe(7);
  });

  it('forgets everything and restarts ids on clear', () => {
    const log = new RingRequestLog(2);
    fill(log, 3);

    log.clear();
    log.record(buildEntry({ url: '/after' }));

    expect(log.all()).toEqual([expect.objectContaining({ id: 1, url: '/after' })]);
    expect(log.total()).toBe(1);
  });

  it('has no last record when empty', () => {
    expect(new RingRequestLog(1).last()).toBeUndefined();
  });

  it.each([0, -1, 1.5])('refuses a capacity of %s', (capacity) => {
    expect(() => new RingRequestLog(capacity)).toThrow(RangeError);
  });
});
