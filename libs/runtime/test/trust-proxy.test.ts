import { describe, expect, it } from 'vitest';
import { trustProxy } from '../src/lib/config/trust-proxy.js';
import { loadConfig } from '../src/lib/config/config.js';

describe('TRUST_PROXY', () => {
  const base = { MODEL_URL: 'http://127.0.0.1:1', KNOWLEDGE_URL: 'http://127.0.0.1:1' };
  it('is false unset, a function of the hop for a hop count, a list for addresses and CIDRs', () => {
    expect(trustProxy(loadConfig(base))).toBe(false);
    const hops = trustProxy(loadConfig({ ...base, TRUST_PROXY: '1' }));
    expect(typeof hops).toBe('function');
    if (typeof hops === 'function') {
      expect([hops('127.0.0.1', 0), hops('203.0.113.1', 1)]).toEqual([true, false]);
    }
    expect(trustProxy(loadConfig({ ...base, TRUST_PROXY: '10.0.0.0/8, ::1,192.0.2.7' }))).toEqual([
      '10.0.0.0/8',
      '::1',
      '192.0.2.7',
    ]);
  });

  it('stops the start-up on an entry that is not an address or CIDR', () => {
    for (const value of ['loopback', '10.0.0.0/33', '1.2.3.4/8/8', 'true']) {
      expect(() => loadConfig({ ...base, TRUST_PROXY: value }), value).toThrow(/TRUST_PROXY: "/);
    }
  });
});
