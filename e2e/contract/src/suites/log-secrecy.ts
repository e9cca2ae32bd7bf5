import { randomUUID } from 'node:crypto';
import {
  startUpstream,
  type RunningUpstream,
  spawnApp,
  type AppProcess,
  SECRET_API_KEY,
  openSocket,
} from '@switchyard/testing';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { internalErrorLines } from '../support.js';
import { reportCases } from './report.js';

export type { AppProcess } from '@switchyard/testing';

/**
 * Passwords and tokens never reach the logs. The app runs as its own process at LOG_LEVEL
 * trace, every line it writes to stdout and stderr is kept, and after a session that signs up,
 * logs in (right and wrong), calls routes with the token, streams over a WebSocket with the
 * token as subprotocol, goes through the proxy (whose service adds a secret key) and logs out,
 * none of those secrets may appear in any line.
 */
export function runLogSecrecySuite(app: AppProcess): void {
  reportCases('logs without secrets', app.name, 1);
  describe(`${app.name} logs`, () => {
    let upstream: RunningUpstream;
    let url: string;
    let output: string[] = [];
    let stop: () => Promise<void>;
    const password = `pw-${randomUUID()}`;
    const wrongPassword = `wrong-${randomUUID()}`;

    beforeAll(async () => {
      upstream = await startUpstream();
      const spawned = await spawnApp({
        name: app.name,
        entry: app.main,
        env: {
          LOG_LEVEL: 'trace',
          MODEL_URL: upstream.url,
          KNOWLEDGE_URL: upstream.url,
          PROXY_SERVICES: JSON.stringify({
            httpbin: {
              url: upstream.url,
              headers: { 'x-api-key': SECRET_API_KEY },
              paths: ['/get'],
            },
          }),
          ...app.env,
        },
        ready: { path: '/health' },
      });
      url = spawned.url;
      output = spawned.output;
      stop = async () => void (await spawned.stop());
    }, 90_000);
    afterAll(async () => {
      await stop?.();
      await upstream?.close();
    });

    it('never contain a password, a bearer token or a service credential', async () => {
      const username = `logs-${randomUUID().slice(0, 8)}`;
      await request(url).post('/v1/accounts').send({ username, password }).expect(201);
      await request(url)
        .post('/v1/sessions')
        .send({ username, password: wrongPassword })
        .expect(401);
      const session = await request(url).post('/v1/sessions').send({ username, password });
      const token = (session.body as { token: string }).token;
      expect(token).toBeTruthy();
      const auth = { authorization: `Bearer ${token}` };
      await request(url).get('/v1/bots').set(auth).expect(200);
      await request(url)
        .post('/v1/bots/echo/messages')
        .set(auth)
        .send({ text: 'hello' })
        .expect(201);
      await request(url).get('/v1/proxy/httpbin/get').set(auth).expect(200);
      await request(url).get('/v1/conversations').set('authorization', 'Bearer not-a-token');
      const ws = await openSocket(`${url.replace('http', 'ws')}/v1/bots/echo/stream`, {
        protocols: ['bearer', token],
      });
      ws.send({ type: 'message', text: 'streamed' });
      await ws.untilDone();
      ws.socket.close();
      await request(url).delete('/v1/sessions/current').set(auth).expect(204);
      await stop();

      const logs = output.join('');
      // Every step of the session was answered without a bug's 500.
      expect(internalErrorLines(output)).toEqual([]);
      // The logs are there, and they are about these requests.
      expect(logs).toContain('/v1/sessions');
      for (const secret of [password, wrongPassword, token, SECRET_API_KEY]) {
        expect(logs.includes(secret), `a secret of length ${secret.length} in the logs`).toBe(
          false,
        );
      }
    });
  });
}
