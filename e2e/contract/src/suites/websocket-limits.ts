import { createHash } from 'node:crypto';
import { openSocket, type AppUnderTest, type OpenSocket } from '@switchyard/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { describeEachTarget, errorBody, useEnvironment, type UsedEnvironment } from '../support.js';
import { reportCases } from './report.js';

// The bounds of one WebSocket and of an account's sockets, set low so the cases reach them.
const MAX_FRAMES = 4;
const MAX_SOCKETS = 2;
/** MAX_SESSIONS_PER_ACCOUNT here: the cap's log-in ends the oldest session (signUp's). */
const MAX_SESSIONS = 3;
const PING_INTERVAL_MS = 200;
/** The bytes bound of the second environment, in frames of FRAME_BYTES (the frames bound is far). */
const MAX_BYTES = 4096;
const FRAME_BYTES = 1024;

/** Generous: a hang guard, never a timing assertion. */
const HANG_GUARD_MS = 5_000;

/** A message frame of exactly `bytes` bytes of JSON. */
function frameOf(bytes: number): string {
  const empty = JSON.stringify({ type: 'message', text: '' });
  return JSON.stringify({ type: 'message', text: 'x'.repeat(bytes - empty.length) });
}

function tracked(ctx: UsedEnvironment) {
  const sockets: OpenSocket[] = [];
  afterAll(() => {
    for (const s of sockets) s.socket.terminate();
  });
  return async (
    token: string,
    options: { bot?: string; autoPong?: boolean } = {},
  ): Promise<OpenSocket> => {
    const url = `${ctx.env.app.url.replace(/^http/, 'ws')}/v1/bots/${options.bot ?? 'echo'}/stream`;
    const s = await openSocket(url, {
      headers: { Authorization: `Bearer ${token}` },
      autoPong: options.autoPong,
    });
    sockets.push(s);
    return s;
  };
}

/** The socket's close code; a socket still open is `open`. */
function closedOrOpen(s: OpenSocket): Promise<number | 'open'> {
  return s.closed().catch(() => 'open' as const);
}

/** A client that writes `count` frames in one go and reads none of the answers. */
function flood(s: OpenSocket, frame: string, count: number): void {
  s.socket.pause();
  for (let i = 0; i < count; i += 1) s.sendRaw(frame);
}

const CASES = 11;

/**
 * The stream's bounds (docs/reliability.md#websocket-bounds): the queue of one socket, the
 * sockets of one account, pings, and the session's end (logout, expiry) closing its sockets.
 */
export async function runWebSocketLimitsSuite(subject: AppUnderTest): Promise<void> {
  reportCases('websocket limits', subject.name, CASES);
  await describeEachTarget(
    (target) => `${subject.name} WebSocket bounds (${target.kind})`,
    (target) => {
      describe(`WS_MAX_QUEUED_FRAMES=${MAX_FRAMES}, WS_MAX_SOCKETS_PER_ACCOUNT=${MAX_SOCKETS}`, () => {
        const ctx = useEnvironment(subject, target, {
          overrides: () => ({
            WS_MAX_QUEUED_FRAMES: String(MAX_FRAMES),
            WS_MAX_SOCKETS_PER_ACCOUNT: String(MAX_SOCKETS),
            WS_PING_INTERVAL_MS: String(PING_INTERVAL_MS),
            MAX_SESSIONS_PER_ACCOUNT: String(MAX_SESSIONS),
          }),
        });
        const connect = tracked(ctx);

        it('closes a socket that floods frames it never reads the answers to with 1008, and /health still answers', async () => {
          const account = await ctx.signUp();
          const s = await connect(account.token);
          flood(s, JSON.stringify({ type: 'message', text: 'flood' }), 500);
          await ctx.api().get('/health').timeout(HANG_GUARD_MS).expect(200);
          s.socket.resume();
          expect(await closedOrOpen(s)).toBe(1008);
        });

        it(`answers ${MAX_FRAMES} frames sent at once (the bound) and stays open`, async () => {
          const account = await ctx.signUp();
          const s = await connect(account.token);
          for (let i = 0; i < MAX_FRAMES; i += 1) s.send({ type: 'message', text: `m${i}` });
          for (let i = 0; i < MAX_FRAMES; i += 1) {
            expect((await s.untilDone()).at(-1)).toMatchObject({
              type: 'done',
              text: `echo: m${i}`,
            });
          }
          s.send({ type: 'message', text: 'after' });
          expect((await s.untilDone()).at(-1)).toMatchObject({ type: 'done', text: 'echo: after' });
        });

        it(`refuses socket ${MAX_SOCKETS + 1} of one account with 429, and takes it once one closed`, async () => {
          const account = await ctx.signUp();
          const open = [];
          for (let i = 0; i < MAX_SOCKETS; i += 1) open.push(await connect(account.token));
          const refused = await connect(account.token).then(
            () => undefined,
            (error: { status?: number; body?: unknown; headers?: Record<string, unknown> }) =>
              error,
          );
          expect(refused).toMatchObject({ status: 429, body: errorBody('SWY_ERR_RATE_LIMITED') });
          // Every 429 says when to try again.
          expect(refused?.headers?.['retry-after']).toBe('1');
          // Another account is not held by this one's cap.
          const other = await ctx.signUp();
          await connect(other.token);
          open[0]!.socket.close(1000);
          await open[0]!.closed();
          const again = await connect(account.token);
          again.send({ type: 'message', text: 'hi' });
          expect((await again.untilDone()).at(-1)).toMatchObject({
            type: 'done',
            text: 'echo: hi',
          });
        });

        it('terminates a socket that answers no ping within the interval', async () => {
          const account = await ctx.signUp();
          const dead = await connect(account.token, { autoPong: false });
          // No close frame: the peer is gone as far as the app knows (1006 on this side).
          expect(await closedOrOpen(dead)).toBe(1006);
        });

        it('keeps a socket that answers its pings open over several intervals', async () => {
          const account = await ctx.signUp();
          const live = await connect(account.token);
          await new Promise((resolve) => setTimeout(resolve, PING_INTERVAL_MS * 5));
          live.send({ type: 'message', text: 'alive' });
          expect((await live.untilDone()).at(-1)).toMatchObject({
            type: 'done',
            text: 'echo: alive',
          });
        });

        it("closes the session's sockets with 4401 on logout, and no other session's", async () => {
          const account = await ctx.signUp();
          const second = await ctx
            .api()
            .post('/v1/sessions')
            .send({ username: account.username, password: account.password })
            .expect(201);
          const s = await connect(account.token);
          const otherSession = await connect(second.body.token as string);
          await ctx.api().delete('/v1/sessions/current').set(account.auth).expect(204);
          expect(await closedOrOpen(s)).toBe(4401);
          otherSession.send({ type: 'message', text: 'still' });
          expect((await otherSession.untilDone()).at(-1)).toMatchObject({ type: 'done' });
        });

        it("closes every socket of the account with 4401 on log out everywhere, and no other account's", async () => {
          const account = await ctx.signUp();
          const other = await ctx.signUp();
          const second = await ctx
            .api()
            .post('/v1/sessions')
            .send({ username: account.username, password: account.password })
            .expect(201);
          const first = await connect(account.token);
          const again = await connect(second.body.token as string);
          const theirs = await connect(other.token);
          await ctx.api().delete('/v1/sessions').set(account.auth).expect(204);
          expect(await closedOrOpen(first)).toBe(4401);
          expect(await closedOrOpen(again)).toBe(4401);
          theirs.send({ type: 'message', text: 'still' });
          expect((await theirs.untilDone()).at(-1)).toMatchObject({ type: 'done' });
        });

        it(`closes the oldest session's socket with 4401 when log-in ${MAX_SESSIONS + 1} ends it`, async () => {
          const account = await ctx.signUp();
          const oldest = await connect(account.token);
          const logIn = () =>
            ctx
              .api()
              .post('/v1/sessions')
              .send({ username: account.username, password: account.password })
              .expect(201);
          const newer = [];
          for (let i = 1; i < MAX_SESSIONS; i += 1) newer.push(await logIn());
          const kept = await connect(newer[0]!.body.token as string);
          await logIn();
          expect(await closedOrOpen(oldest)).toBe(4401);
          await ctx.api().get('/v1/conversations').set(account.auth).expect(401);
          kept.send({ type: 'message', text: 'still' });
          expect((await kept.untilDone()).at(-1)).toMatchObject({ type: 'done' });
        });

        it('closes a socket with 4401 when its session expires', async () => {
          const account = await ctx.signUp();
          // The sessions table keeps the token's SHA-256 (libs/domain auth/tokens.ts).
          await ctx.env.db.query(
            `UPDATE sessions SET expires_at = now() + interval '1500 milliseconds' WHERE token_hash = $1`,
            [createHash('sha256').update(account.token).digest('hex')],
          );
          const s = await connect(account.token);
          expect(await closedOrOpen(s)).toBe(4401);
          // And the token is over for HTTP too.
          await ctx.api().get('/v1/conversations').set(account.auth).expect(401);
        });
      });

      describe(`WS_MAX_QUEUED_BYTES=${MAX_BYTES}`, () => {
        const ctx = useEnvironment(subject, target, {
          overrides: () => ({
            WS_MAX_QUEUED_FRAMES: '10000',
            WS_MAX_QUEUED_BYTES: String(MAX_BYTES),
          }),
        });
        const connect = tracked(ctx);

        it('closes a socket whose waiting frames pass the bytes bound with 1008', async () => {
          const account = await ctx.signUp();
          const s = await connect(account.token);
          flood(s, frameOf(FRAME_BYTES), 200);
          await ctx.api().get('/health').timeout(HANG_GUARD_MS).expect(200);
          s.socket.resume();
          expect(await closedOrOpen(s)).toBe(1008);
        });

        it(`answers ${MAX_BYTES / FRAME_BYTES} frames of ${FRAME_BYTES} bytes sent at once (the bound)`, async () => {
          const account = await ctx.signUp();
          const s = await connect(account.token);
          for (let i = 0; i < MAX_BYTES / FRAME_BYTES; i += 1) s.sendRaw(frameOf(FRAME_BYTES));
          for (let i = 0; i < MAX_BYTES / FRAME_BYTES; i += 1) {
            expect((await s.untilDone()).at(-1)).toMatchObject({ type: 'done' });
          }
        });
      });
    },
  );
}
