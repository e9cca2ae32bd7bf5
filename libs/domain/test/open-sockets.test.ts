import { AppError } from '@switchyard/api-spec';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpenSockets, SESSION_ENDED_CLOSE_CODE, type Principal } from '../src/index.js';

function buildPrincipal(overrides: Partial<Principal> = {}): Principal {
  return {
    accountId: 'account-1',
    username: 'alice',
    tokenHash: 'session-1',
    expiresAt: new Date(Date.now() + 60_000).toISOString(),
    ...overrides,
  };
}

function buildSocket() {
  return { close: vi.fn<(code: number, reason: string) => void>() };
}

describe('OpenSockets', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses a place past maxPerAccount with 429, and gives one back on release', () => {
    const sockets = new OpenSockets();
    const first = sockets.reserve(buildPrincipal(), 2);
    sockets.reserve(buildPrincipal({ tokenHash: 'session-2' }), 2);
    let refused: unknown;
    try {
      sockets.reserve(buildPrincipal(), 2);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).toBe('SWY_ERR_RATE_LIMITED');
    expect((refused as AppError).status).toBe(429);
    // Another account has places of its own.
    sockets.reserve(buildPrincipal({ accountId: 'account-2', tokenHash: 'other' }), 2);
    first.release();
    first.release();
    expect(sockets.countAccount('account-1')).toBe(1);
    expect(() => sockets.reserve(buildPrincipal(), 2)).not.toThrow();
  });

  it("closeSession closes that session's sockets with 4401 and no other", () => {
    const sockets = new OpenSockets();
    const mine = buildSocket();
    const other = buildSocket();
    sockets.reserve(buildPrincipal(), 8).attach(mine);
    sockets.reserve(buildPrincipal({ tokenHash: 'session-2' }), 8).attach(other);
    expect(sockets.closeSession('session-1')).toBe(1);
    expect(mine.close).toHaveBeenCalledWith(SESSION_ENDED_CLOSE_CODE, 'Session ended');
    expect(other.close).not.toHaveBeenCalled();
    expect(sockets.countAccount('account-1')).toBe(1);
  });

  it("closeAccount closes every session's sockets of the account and no other account's", () => {
    const sockets = new OpenSockets();
    const a = buildSocket();
    const b = buildSocket();
    const stranger = buildSocket();
    sockets.reserve(buildPrincipal(), 8).attach(a);
    sockets.reserve(buildPrincipal({ tokenHash: 'session-2' }), 8).attach(b);
    sockets.reserve(buildPrincipal({ accountId: 'account-2', tokenHash: 'x' }), 8).attach(stranger);
    expect(sockets.closeAccount('account-1')).toBe(2);
    expect(a.close).toHaveBeenCalledWith(SESSION_ENDED_CLOSE_CODE, 'Session ended');
    expect(b.close).toHaveBeenCalledWith(SESSION_ENDED_CLOSE_CODE, 'Session ended');
    expect(stranger.close).not.toHaveBeenCalled();
    expect(sockets.countAccount('account-1')).toBe(0);
  });

  it('closes a socket whose session ended before it was attached as soon as it is', () => {
    const sockets = new OpenSockets();
    const lease = sockets.reserve(buildPrincipal(), 8);
    sockets.closeSession('session-1');
    const late = buildSocket();
    lease.attach(late);
    expect(late.close).toHaveBeenCalledWith(SESSION_ENDED_CLOSE_CODE, 'Session ended');
  });

  it('closes a socket with 4401 when its session expires, not before', () => {
    vi.useFakeTimers();
    const sockets = new OpenSockets();
    const socket = buildSocket();
    const expiresAt = new Date(Date.now() + 10_000).toISOString();
    sockets.reserve(buildPrincipal({ expiresAt }), 8).attach(socket);
    vi.advanceTimersByTime(9_999);
    expect(socket.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(socket.close).toHaveBeenCalledWith(SESSION_ENDED_CLOSE_CODE, 'Session ended');
    expect(sockets.countAccount('account-1')).toBe(0);
  });

  it('waits out a session longer than one timer can (2^31 - 1 ms)', () => {
    vi.useFakeTimers();
    const sockets = new OpenSockets();
    const socket = buildSocket();
    const days40 = 40 * 86_400_000;
    sockets
      .reserve(buildPrincipal({ expiresAt: new Date(Date.now() + days40).toISOString() }), 8)
      .attach(socket);
    vi.advanceTimersByTime(days40 - 1);
    expect(socket.close).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(socket.close).toHaveBeenCalledTimes(1);
  });

  it('clear forgets every place and stops the timers', () => {
    vi.useFakeTimers();
    const sockets = new OpenSockets();
    const socket = buildSocket();
    sockets.reserve(buildPrincipal(), 8).attach(socket);
    sockets.clear();
    expect(sockets.countAccount('account-1')).toBe(0);
    vi.advanceTimersByTime(120_000);
    expect(socket.close).not.toHaveBeenCalled();
  });
});
