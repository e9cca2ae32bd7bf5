import { envelope, type ErrorCodeValue } from '@switchyard/api-spec';
import { databaseTargets } from '@switchyard/persistence/testing';
import {
  openSocket,
  startEnvironment,
  type AppUnderTest,
  type Environment,
  type Frame,
  type StandingFault,
} from '@switchyard/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectDocumented } from './openapi-check.js';
import { reportCases } from './report.js';
import { failOnInternalErrors, signUp, type Account } from '../support.js';

/** The bounds this suite runs the apps with, small so that a case crosses them cheaply. */
export const BOUNDS = {
  UPSTREAM_MAX_RESPONSE_BYTES: 64 * 1024,
  UPSTREAM_MAX_LINE_BYTES: 4 * 1024,
  STREAM_REPLY_TIMEOUT_MS: 1_000,
  MAX_REPLY_CHARS: 20_000,
} as const;

/** Longer than the stream deadline, so that only the deadline can end a dripping stream. */
const UPSTREAM_TIMEOUT_MS = 5_000;
/** A hang guard per case, not a timing bound. */
const CASE_TIMEOUT_MS = 20_000;

const BAD = 'SWY_ERR_UPSTREAM_BAD_RESPONSE' as const;
const TIMEOUT = 'SWY_ERR_UPSTREAM_TIMEOUT' as const;

interface Expected {
  readonly status: number;
  readonly code: ErrorCodeValue;
  readonly message: string;
}

const tooLarge = (service: string): Expected => ({
  status: 502,
  code: BAD,
  message: `The ${service} service sent more than ${BOUNDS.UPSTREAM_MAX_RESPONSE_BYTES} bytes`,
});
const unstorable: Expected = {
  status: 502,
  code: BAD,
  message: 'The model service sent text that cannot be stored (a NUL or a lone surrogate)',
};

/** A bot message over HTTP while the stand-in has a standing fault. */
const HTTP_CASES: ReadonlyArray<{
  readonly name: string;
  readonly bot: 'model' | 'ensemble';
  readonly fault: StandingFault;
  readonly expected: Expected;
}> = [
  {
    name: 'a model reply 10 times UPSTREAM_MAX_RESPONSE_BYTES',
    bot: 'model',
    fault: { fault: 'huge', bytes: 10 * BOUNDS.UPSTREAM_MAX_RESPONSE_BYTES },
    expected: tooLarge('model'),
  },
  {
    // Read to its end, 2 GiB would take far longer than the case's hang guard: it is cut off.
    name: 'a 2 GiB model reply (the call is aborted at the bound, not read to its end)',
    bot: 'model',
    fault: { fault: 'huge', bytes: 2 * 1024 * 1024 * 1024 },
    expected: tooLarge('model'),
  },
  {
    name: 'knowledge answers 10 times UPSTREAM_MAX_RESPONSE_BYTES',
    bot: 'ensemble',
    fault: { fault: 'huge', bytes: 10 * BOUNDS.UPSTREAM_MAX_RESPONSE_BYTES },
    expected: tooLarge('knowledge'),
  },
  {
    name: 'a model reply 1.5 times MAX_REPLY_CHARS, within the byte bound',
    bot: 'model',
    fault: { fault: 'wordy', bytes: 1.5 * BOUNDS.MAX_REPLY_CHARS },
    expected: {
      status: 502,
      code: BAD,
      message: `The model service sent a reply longer than ${BOUNDS.MAX_REPLY_CHARS} characters`,
    },
  },
  {
    name: 'a model reply with a NUL',
    bot: 'model',
    fault: { fault: 'nul' },
    expected: unstorable,
  },
  {
    // Each answer with a NUL is unusable; with none left the ensemble has no answer.
    name: 'knowledge answers with a NUL',
    bot: 'ensemble',
    fault: { fault: 'nul' },
    expected: { status: 502, code: BAD, message: 'No knowledge source answered' },
  },
];

/** The model bot's WebSocket stream while the stand-in has a standing fault. */
const STREAM_CASES: ReadonlyArray<{
  readonly name: string;
  readonly fault: StandingFault;
  readonly expected: Omit<Expected, 'status'>;
}> = [
  {
    // Short lines of padding, one character of reply each: only the byte bound ends it.
    name: 'a stream of 10 times UPSTREAM_MAX_RESPONSE_BYTES in short lines',
    fault: { fault: 'huge', bytes: 10 * BOUNDS.UPSTREAM_MAX_RESPONSE_BYTES },
    expected: { code: BAD, message: tooLarge('model').message },
  },
  {
    // 1000 characters a line, within the byte bound: MAX_REPLY_CHARS ends it.
    name: 'a streamed reply 1.5 times MAX_REPLY_CHARS',
    fault: { fault: 'wordy', bytes: 1.5 * BOUNDS.MAX_REPLY_CHARS },
    expected: {
      code: BAD,
      message: `The model service sent a reply longer than ${BOUNDS.MAX_REPLY_CHARS} characters`,
    },
  },
  {
    name: 'one NDJSON line 10 times UPSTREAM_MAX_LINE_BYTES',
    fault: { fault: 'longline', bytes: 10 * BOUNDS.UPSTREAM_MAX_LINE_BYTES },
    expected: {
      code: BAD,
      message: `The model service sent a line longer than ${BOUNDS.UPSTREAM_MAX_LINE_BYTES} bytes`,
    },
  },
  {
    name: 'a model that drips a delta every 20 ms for ever (STREAM_REPLY_TIMEOUT_MS)',
    fault: { fault: 'drip' },
    expected: {
      code: TIMEOUT,
      message: `The model service's stream took longer than ${BOUNDS.STREAM_REPLY_TIMEOUT_MS} ms`,
    },
  },
  {
    name: 'a NUL in a delta',
    fault: { fault: 'nul' },
    expected: { code: BAD, message: unstorable.message },
  },
];

/**
 * Upstream bounds: replies larger than UPSTREAM_MAX_RESPONSE_BYTES, NDJSON lines longer than
 * UPSTREAM_MAX_LINE_BYTES, streams past STREAM_REPLY_TIMEOUT_MS or MAX_REPLY_CHARS, and text
 * PostgreSQL cannot store. Each ends in its 502 or 504 envelope (an error frame on a stream),
 * nothing is stored for it, and the app keeps serving. Prints its case count.
 */
export async function runUpstreamBoundsSuite(subject: AppUnderTest): Promise<void> {
  const pglite = (await databaseTargets()).find((target) => target.kind === 'pglite');
  if (!pglite) throw new Error('upstream bounds: no PGlite database target');
  reportCases('upstream bounds', subject.name, HTTP_CASES.length + STREAM_CASES.length);

  describe(`${subject.name} within its upstream bounds`, () => {
    let env: Environment;
    const guarded = failOnInternalErrors(subject);

    beforeAll(async () => {
      env = await startEnvironment(guarded, pglite, {
        overrides: () => ({
          ...Object.fromEntries(Object.entries(BOUNDS).map(([k, v]) => [k, String(v)])),
          UPSTREAM_TIMEOUT_MS: String(UPSTREAM_TIMEOUT_MS),
          ENSEMBLE_SOURCES: '2',
          FANOUT_CONCURRENCY: '2',
        }),
      });
    });
    afterAll(async () => {
      await env?.close();
    });

    /** Nothing of the failed exchange was stored, and the app answers a real message. */
    async function expectNothingStoredAndServing(account: Account): Promise<void> {
      const list = await request(env.app.url).get('/v1/conversations').set(account.auth);
      expect(list.status).toBe(200);
      expect(list.body.conversations).toEqual([]);
      const model = await request(env.app.url)
        .post('/v1/bots/model/messages')
        .set(account.auth)
        .send({ text: 'still there?' });
      expect(model.status).toBe(201);
    }

    for (const c of HTTP_CASES) {
      const { status, code } = c.expected;
      it(
        `POST /v1/bots/${c.bot}/messages, ${c.name}: ${status} ${code}, nothing stored`,
        async () => {
          const account = await signUp(env.app.url);
          env.upstream.faults.set(c.fault);
          let res: request.Response;
          try {
            res = await request(env.app.url)
              .post(`/v1/bots/${c.bot}/messages`)
              .set(account.auth)
              .send({ text: 'bounds?' });
          } finally {
            env.upstream.faults.clear();
          }
          expect(res.status).toBe(status);
          expect(res.body).toEqual(envelope(code, c.expected.message));
          expectDocumented('postMessage', res);
          await expectNothingStoredAndServing(account);
        },
        CASE_TIMEOUT_MS,
      );
    }

    for (const c of STREAM_CASES) {
      it(
        `stream: ${c.name}: an error frame ${c.expected.code}, no done, nothing stored`,
        async () => {
          const account = await signUp(env.app.url);
          env.upstream.faults.set(c.fault);
          let frames: Frame[];
          try {
            const socket = await openSocket(
              `${env.app.url.replace('http', 'ws')}/v1/bots/model/stream`,
              { protocols: ['bearer', account.token] },
            );
            socket.send({ type: 'message', text: 'bounds?' });
            frames = await socket.untilDone();
            socket.socket.close();
          } finally {
            env.upstream.faults.clear();
          }
          expect(frames.at(-1)).toEqual({
            type: 'error',
            ...envelope(c.expected.code, c.expected.message),
          });
          expect(frames.filter((f) => f['type'] === 'done')).toEqual([]);
          // The app let go of the upstream response (a dripping one would run for ever).
          await vi.waitFor(() => expect(env.upstream.faults.held()).toBe(0), { timeout: 2_000 });
          await expectNothingStoredAndServing(account);
        },
        CASE_TIMEOUT_MS,
      );
    }
  });
}
