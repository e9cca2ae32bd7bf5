import { describe, expect, it } from 'vitest';
import { UpstreamErrorCode } from './errors.js';
import { NO_OVERRIDES, parseOverrides } from './overrides.js';

const badRequest = expect.objectContaining({ code: UpstreamErrorCode.BAD_REQUEST });

describe('parseOverrides', () => {
  it('finds nothing in a plain request', () => {
    expect(parseOverrides({ q: 'hi' }, {})).toBe(NO_OVERRIDES);
  });

  it('reads latency, fault and the fault settings from the query', () => {
    expect(parseOverrides({ latency: '50', fault: '5xx', status: '502' }, {})).toMatchObject({
      latencyMs: 50,
      fault: '5xx',
      status: 502,
    });
    expect(parseOverrides({ fault: 'slow', slowMs: '300' }, {})).toMatchObject({
      fault: 'slow',
      slowMs: 300,
    });
  });

  it('defaults a 5xx to 503 and a slow body to 2 s', () => {
    expect(parseOverrides({ fault: '5xx' }, {}).status).toBe(503);
    expect(parseOverrides({ fault: 'slow' }, {}).slowMs).toBe(2000);
  });

  it('reads the fault from the x-upstream-fault header, the query winning', () => {
    expect(parseOverrides({}, { 'x-upstream-fault': 'hang' }).fault).toBe('hang');
    expect(parseOverrides({ fault: 'close' }, { 'x-upstream-fault': 'hang' }).fault).toBe('close');
  });

  it('ignores status and slowMs without the fault they tune', () => {
    expect(parseOverrides({ status: 'anything', slowMs: 'x' }, {})).toBe(NO_OVERRIDES);
  });

  it.each([
    [{ latency: '1e3' }],
    [{ latency: ['1', '2'] }],
    [{ fault: 'boom' }],
    [{ fault: ['hang', 'reset'] }],
    [{ fault: '5xx', status: '404' }],
    [{ fault: 'slow', slowMs: '-1' }],
  ])('rejects %j', (query) => {
    expect(() => parseOverrides(query, {})).toThrow(badRequest);
  });
});
