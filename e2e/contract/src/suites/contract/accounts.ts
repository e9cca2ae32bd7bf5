import { describe, expect, it } from 'vitest';
import { USERNAME_PATTERN } from '@switchyard/api-spec';
import { BODY_LIMIT_BYTES } from '@switchyard/testing';
import { errorBody, expectError, buildCredentials, type UsedEnvironment } from '../../support.js';
import { expectDocumented } from '../openapi-check.js';
import { UUID } from './uuid.js';

/** Sign-up (POST /v1/accounts), log-in and log-out (POST and DELETE /v1/sessions). */
export function accountCases(ctx: UsedEnvironment): void {
  const { api } = ctx;
  describe('POST /v1/accounts', () => {
    it('creates an account and answers 201 without the password', async () => {
      const credentials = buildCredentials();
      const res = await api().post('/v1/accounts').send(credentials);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.stringMatching(UUID),
        username: credentials.username,
        createdAt: expect.any(String),
      });
      expectDocumented('createAccount', res);
    });

    it('returns 409 SWY_ERR_USERNAME_TAKEN for a username taken in another letter case', async () => {
      const credentials = buildCredentials();
      await api().post('/v1/accounts').send(credentials).expect(201);
      const res = await api()
        .post('/v1/accounts')
        .send({ ...credentials, username: credentials.username.toUpperCase() });
      expectError('createAccount', res, 409, 'SWY_ERR_USERNAME_TAKEN');
    });

    it.each([
      [
        'a missing password',
        { username: 'valid-name' },
        [{ path: '/body/password', message: "must have required property 'password'" }],
      ],
      [
        'a short password',
        { username: 'valid-name', password: 'short' },
        [{ path: '/body/password', message: 'must NOT have fewer than 8 characters' }],
      ],
      [
        'an extra field',
        { username: 'valid-name', password: 'long enough', admin: true },
        [{ path: '/body/admin', message: 'is not allowed' }],
      ],
      [
        'a number for the username',
        { username: 12345, password: 'long enough' },
        [{ path: '/body/username', message: 'must be string' }],
      ],
      [
        'a username with spaces',
        { username: 'bad name', password: 'long enough' },
        [{ path: '/body/username', message: `must match pattern "${USERNAME_PATTERN}"` }],
      ],
      ['a JSON array', [], [{ path: '/body', message: 'must be object' }]],
    ])('returns 400 SWY_ERR_VALIDATION for %s', async (_name, body, details) => {
      const res = await api()
        .post('/v1/accounts')
        .send(body as object);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'SWY_ERR_VALIDATION', message: 'The request is not valid', details },
      });
      expectDocumented('createAccount', res);
    });

    it('returns 400 SWY_ERR_VALIDATION for an empty JSON body', async () => {
      const res = await api().post('/v1/accounts').set('Content-Type', 'application/json').send('');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({
        error: {
          code: 'SWY_ERR_VALIDATION',
          message: 'The request is not valid',
          details: [{ path: '/body', message: 'must be object' }],
        },
      });
      expectDocumented('createAccount', res);
    });

    it('refuses a __proto__ key like any other extra field', async () => {
      const res = await api()
        .post('/v1/accounts')
        .set('Content-Type', 'application/json')
        .send('{"username":"proto-user","password":"long enough","__proto__":{"admin":true}}');
      expect(res.status).toBe(400);
      expect(res.body.error.code).toMatch(/^SWY_ERR_(VALIDATION|MALFORMED_JSON)$/);
      expectDocumented('createAccount', res);
    });

    it('accepts application/json with a charset', async () => {
      const res = await api()
        .post('/v1/accounts')
        .set('Content-Type', 'application/json; charset=utf-8')
        .send(JSON.stringify(buildCredentials()));
      expect(res.status).toBe(201);
    });

    it('returns 400 SWY_ERR_MALFORMED_JSON for a body that is not JSON', async () => {
      const res = await api()
        .post('/v1/accounts')
        .set('Content-Type', 'application/json')
        .send('{"username": "x",');
      expectError('createAccount', res, 400, 'SWY_ERR_MALFORMED_JSON');
    });

    it('returns 415 SWY_ERR_UNSUPPORTED_MEDIA_TYPE for a text/plain body', async () => {
      const res = await api()
        .post('/v1/accounts')
        .set('Content-Type', 'text/plain')
        .send('username=x&password=y');
      expectError('createAccount', res, 415, 'SWY_ERR_UNSUPPORTED_MEDIA_TYPE');
    });

    it('returns 413 SWY_ERR_BODY_TOO_LARGE for a body over the limit', async () => {
      const res = await api()
        .post('/v1/accounts')
        .send({ username: 'big-body', password: 'x'.repeat(BODY_LIMIT_BYTES + 10) });
      expectError('createAccount', res, 413, 'SWY_ERR_BODY_TOO_LARGE');
    });
  });

  describe('POST /v1/sessions and DELETE /v1/sessions/current', () => {
    it('logs in with 201, a token and a future expiry', async () => {
      const credentials = buildCredentials();
      await api().post('/v1/accounts').send(credentials).expect(201);
      const res = await api().post('/v1/sessions').send(credentials);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        token: expect.stringMatching(/^[A-Za-z0-9_-]{40,}$/),
        expiresAt: expect.any(String),
      });
      expect(Date.parse(res.body.expiresAt)).toBeGreaterThan(Date.now());
      expectDocumented('createSession', res);
    });

    it('returns the same 401 for a wrong password and an unknown username', async () => {
      const credentials = buildCredentials();
      await api().post('/v1/accounts').send(credentials).expect(201);
      const wrong = await api()
        .post('/v1/sessions')
        .send({ ...credentials, password: 'wrong password' });
      const unknown = await api().post('/v1/sessions').send(buildCredentials());
      for (const res of [wrong, unknown]) {
        expectError('createSession', res, 401, 'SWY_ERR_AUTH_INVALID_CREDENTIALS');
      }
    });

    it('logs out with 204, after which the token is refused', async () => {
      const account = await ctx.signUp();
      const res = await api().delete('/v1/sessions/current').set(account.auth);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expectDocumented('deleteSession', res);
      const after = await api().get('/v1/bots').set(account.auth);
      expect(after.status).toBe(401);
      expect(after.body).toEqual(errorBody('SWY_ERR_AUTH_REQUIRED'));
    });

    it.each([
      ['no Authorization header', undefined],
      ['an unknown token', `Bearer ${'x'.repeat(43)}`],
      ['the Basic scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
      ['an empty bearer', 'Bearer '],
    ])('returns 401 SWY_ERR_AUTH_REQUIRED with %s', async (_name, header) => {
      const req = api().delete('/v1/sessions/current');
      if (header !== undefined) req.set('Authorization', header);
      const res = await req;
      expectError('deleteSession', res, 401, 'SWY_ERR_AUTH_REQUIRED');
    });
  });
}
