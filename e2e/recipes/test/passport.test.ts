// docs/recipes/security.md#passport: `passport` and `@fastify/passport` with the same
// passport-local strategy log in, guard a route on the session's user, and log out alike; what
// each sends for the session cookie on logout differs.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { ACCOUNT, passportRecipe } from '../src/security/passport.js';

const served = await servePair(passportRecipe);
afterAll(() => served.close());

function firstCookie(res: request.Response): string | undefined {
  return (res.headers['set-cookie'] as unknown as string[] | undefined)?.[0];
}

describe.each(served.sides)('passport-local on $name', ({ url }) => {
  it('logs in with the right password, answers the user and sets the session cookie', async () => {
    const res = await request(url).post('/login').send(ACCOUNT).expect(200);
    expect(res.body).toEqual({ user: { id: 'u1', username: 'ada' } });
    expect(firstCookie(res)).toContain('HttpOnly');
  });

  it('answers 401 Unauthorized in plain text to a wrong password, with no cookie', async () => {
    const res = await request(url)
      .post('/login')
      .send({ ...ACCOUNT, password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.text).toBe('Unauthorized');
    expect(firstCookie(res)).toBeUndefined();
  });

  it('answers 400 Bad Request when the username or password is missing', async () => {
    const res = await request(url).post('/login').send({ username: ACCOUNT.username });
    expect(res.status).toBe(400);
    expect(res.text).toBe('Bad Request');
  });

  it('guards /me: 401 before login, the user from the session after it', async () => {
    const agent = request.agent(url);
    await agent.get('/me').expect(401, { error: 'login first' });
    await agent.post('/login').send(ACCOUNT).expect(200);
    await agent.get('/me').expect(200, { user: { id: 'u1', username: 'ada' } });
  });

  it('logs out: /me answers 401 again, even to the cookie from before the logout', async () => {
    const login = await request(url).post('/login').send(ACCOUNT).expect(200);
    const cookie = firstCookie(login)!.split(';')[0]!;
    await request(url).get('/me').set('cookie', cookie).expect(200);
    await request(url).post('/logout').set('cookie', cookie).expect(204);
    await request(url).get('/me').set('cookie', cookie).expect(401);
  });
});

describe('the session cookie on logout', () => {
  async function logoutCookie(url: string): Promise<string | undefined> {
    const login = await request(url).post('/login').send(ACCOUNT).expect(200);
    const cookie = firstCookie(login)!.split(';')[0]!;
    return firstCookie(await request(url).post('/logout').set('cookie', cookie).expect(204));
  }

  it('is a new session id from passport, and a cleared cookie from @fastify/passport', async () => {
    expect(await logoutCookie(served.express.url)).toMatch(/^connect\.sid=s%3A[^;]+; Path=\//);
    expect(await logoutCookie(served.fastify.url)).toMatch(/^sessionId=; Max-Age=0; /);
  });
});
