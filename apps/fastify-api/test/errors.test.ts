import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { buildCredentials, signUpAndLogIn, startStack, type Stack } from './support.js';

let stack: Stack;
let url: string;
let token: string;

beforeAll(async () => {
  // A small body limit, so the 413 needs only a small body.
  stack = await startStack({ env: { BODY_LIMIT_BYTES: '2048' } });
  url = stack.api.url;
  token = await signUpAndLogIn(url);
});

afterAll(async () => {
  await stack?.close();
});

function envelope(code: string) {
  return { error: expect.objectContaining({ code, message: expect.any(String) }) };
}

describe('the error envelope', () => {
  it('is a 400 SWY_ERR_VALIDATION with details for a body that breaks the schema', async () => {
    const res = await request(url)
      .post('/v1/accounts')
      .send({ username: 'ab', password: 'long enough', admin: true })
      .expect(400);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.body).toEqual({
      error: {
        code: 'SWY_ERR_VALIDATION',
        message: 'The request is not valid',
        details: [
          { path: '/body/admin', message: 'is not allowed' },
          { path: '/body/username', message: 'must NOT have fewer than 3 characters' },
        ],
      },
    });
  });

  it('does not coerce body types: a number where text belongs is a 400', async () => {
    const res = await request(url)
      .post('/v1/bots/echo/messages')
      .set('authorization', `Bearer ${token}`)
      .send({ text: 5 })
      .expect(400);
    expect(res.body.error.details).toEqual([{ path: '/body/text', message: 'must be string' }]);
  });

  it('treats an empty JSON body like a missing one: a 400 SWY_ERR_VALIDATION', async () => {
    const res = await request(url)
      .post('/v1/sessions')
      .set('content-type', 'application/json')
      .send('')
      .expect(400);
    expect(res.body).toEqual({
      error: {
        code: 'SWY_ERR_VALIDATION',
        message: 'The request is not valid',
        details: [{ path: '/body', message: 'must be object' }],
      },
    });
  });

  it('is a 400 SWY_ERR_MALFORMED_JSON for a body that does not parse', async () => {
    const res = await request(url)
      .post('/v1/accounts')
      .set('content-type', 'application/json')
      .send('{"username": ')
      .expect(400);
    expect(res.body).toEqual(envelope('SWY_ERR_MALFORMED_JSON'));
  });

  it('is a 401 SWY_ERR_AUTH_REQUIRED without a token, before the body is looked at', async () => {
    const res = await request(url)
      .post('/v1/bots/echo/messages')
      .set('content-type', 'text/plain')
      .send('not even json')
      .expect(401);
    expect(res.body).toEqual(envelope('SWY_ERR_AUTH_REQUIRED'));
  });

  it('is a 401 SWY_ERR_AUTH_INVALID_CREDENTIALS for a wrong password', async () => {
    const credentials = buildCredentials();
    await request(url).post('/v1/accounts').send(credentials).expect(201);
    const res = await request(url)
      .post('/v1/sessions')
      .send({ ...credentials, password: 'not the password' })
      .expect(401);
    expect(res.body).toEqual(envelope('SWY_ERR_AUTH_INVALID_CREDENTIALS'));
  });

  it('is a 404 SWY_ERR_NOT_FOUND for an unknown path, with or without a token', async () => {
    const anonymous = await request(url).get('/v1/nothing-here').expect(404);
    expect(anonymous.body).toEqual({
      error: { code: 'SWY_ERR_NOT_FOUND', message: 'No such route' },
    });
    await request(url).get('/v1/nothing-here').set('authorization', `Bearer ${token}`).expect(404);
  });

  it('is a 404 for an unknown path even when its body is too large or not JSON', async () => {
    await request(url)
      .post('/v1/nothing-here')
      .set('content-type', 'application/json')
      .send(`"${'x'.repeat(4096)}"`)
      .expect(404);
    await request(url)
      .post('/v1/nothing-here')
      .set('content-type', 'application/json')
      .send('{oops')
      .expect(404);
  });

  it('is a 404 SWY_ERR_BOT_NOT_FOUND for a bot that is not in the registry', async () => {
    const res = await request(url)
      .post('/v1/bots/nobody/messages')
      .set('authorization', `Bearer ${token}`)
      .send({ text: 'hi' })
      .expect(404);
    expect(res.body).toEqual(envelope('SWY_ERR_BOT_NOT_FOUND'));
  });

  it('is a 404 SWY_ERR_PROXY_SERVICE_NOT_FOUND for a service that is not configured', async () => {
    for (const service of ['nowhere', 'constructor', '__proto__']) {
      const res = await request(url)
        .get(`/v1/proxy/${service}/get`)
        .set('authorization', `Bearer ${token}`)
        .expect(404);
      expect(res.body).toEqual(envelope('SWY_ERR_PROXY_SERVICE_NOT_FOUND'));
    }
  });

  it('is a 405 SWY_ERR_METHOD_NOT_ALLOWED with Allow for a known path, without needing a token', async () => {
    const res = await request(url).put('/v1/bots').send({}).expect(405);
    expect(res.headers.allow).toBe('GET, HEAD');
    expect(res.body).toEqual({
      error: { code: 'SWY_ERR_METHOD_NOT_ALLOWED', message: 'Method not allowed' },
    });
    const post = await request(url).delete('/v1/accounts').expect(405);
    expect(post.headers.allow).toBe('POST');
  });

  it('is a 409 SWY_ERR_USERNAME_TAKEN for a username that exists in another letter case', async () => {
    const credentials = buildCredentials({ username: 'Casey-Jones' });
    await request(url).post('/v1/accounts').send(credentials).expect(201);
    const res = await request(url)
      .post('/v1/accounts')
      .send({ ...credentials, username: 'casey-jones' })
      .expect(409);
    expect(res.body).toEqual(envelope('SWY_ERR_USERNAME_TAKEN'));
  });

  it('is a 413 SWY_ERR_BODY_TOO_LARGE for a body over BODY_LIMIT_BYTES', async () => {
    const res = await request(url)
      .post('/v1/accounts')
      .send({ username: 'big', password: 'x'.repeat(4096) })
      .expect(413);
    expect(res.body).toEqual(envelope('SWY_ERR_BODY_TOO_LARGE'));
  });

  it('is a 415 SWY_ERR_UNSUPPORTED_MEDIA_TYPE for a body that is not application/json', async () => {
    const res = await request(url)
      .post('/v1/accounts')
      .set('content-type', 'text/plain')
      .send('username=a')
      .expect(415);
    expect(res.body).toEqual(envelope('SWY_ERR_UNSUPPORTED_MEDIA_TYPE'));
  });

  it('accepts application/json with any charset', async () => {
    await request(url)
      .post('/v1/accounts')
      .set('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify(buildCredentials()))
      .expect(201);
  });

  it('refuses a proxy path that would leave the service with a 400 on /params/*', async () => {
    for (const rest of ['..%2F..%2Fetc', '%2e%2e/get', '%E0%A4%A']) {
      const res = await request(url)
        .get(`/v1/proxy/httpbin/${rest}`)
        .set('authorization', `Bearer ${token}`)
        .expect(400);
      expect(res.body.error).toEqual({
        code: 'SWY_ERR_VALIDATION',
        message: 'The request is not valid',
        details: [{ path: '/params/*', message: 'is not a valid path below the service' }],
      });
    }
  });
});
