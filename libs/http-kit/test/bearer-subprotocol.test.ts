import { describe, expect, it } from 'vitest';
import {
  BEARER_SUBPROTOCOL,
  bearerSubprotocolToken,
  selectSubprotocol,
  upgradeToken,
} from '../src/index.js';

const upgrade = (protocols: string) => ({
  upgrade: 'websocket',
  'sec-websocket-protocol': protocols,
});

describe('bearerSubprotocolToken', () => {
  it('reads the token of exactly `bearer, <token>`, what a browser sends', () => {
    expect(bearerSubprotocolToken([BEARER_SUBPROTOCOL, 'tok'])).toBe('tok');
    expect(bearerSubprotocolToken(' bearer , tok '.split(','))).toBe('tok');
  });

  it.each([
    ['another subprotocol first', ['foo', 'bearer', 'tok']],
    ['an item after the token', ['bearer', 'tok', 'extra']],
    ['no token', ['bearer']],
    ['an empty token', ['bearer', '']],
    ['the token first', ['tok', 'bearer']],
    ['another scheme', ['Bearer', 'tok']],
    ['nothing', []],
  ])('finds no token with %s', (_what, offered) => {
    expect(bearerSubprotocolToken(offered)).toBeUndefined();
  });
});

describe('upgradeToken', () => {
  it('reads the subprotocols of a WebSocket upgrade only', () => {
    expect(upgradeToken(upgrade('bearer, tok'))).toBe('tok');
    expect(upgradeToken({ ...upgrade('bearer, tok'), upgrade: 'WebSocket' })).toBe('tok');
    expect(upgradeToken({ 'sec-websocket-protocol': 'bearer, tok' })).toBeUndefined();
    expect(upgradeToken(upgrade('foo, bearer, tok'))).toBeUndefined();
    expect(upgradeToken({ upgrade: 'websocket' })).toBeUndefined();
  });
});

describe('selectSubprotocol', () => {
  it('answers `bearer` to the list that carries the token, never the token itself', () => {
    expect(selectSubprotocol(new Set(['bearer', 'tok']))).toBe('bearer');
  });

  it('selects nothing for any other list', () => {
    expect(selectSubprotocol(new Set(['foo', 'bearer', 'tok']))).toBe(false);
    expect(selectSubprotocol(new Set(['bearer']))).toBe(false);
    expect(selectSubprotocol(new Set(['chat']))).toBe(false);
  });
});
