// Recipe: `cookie-parser` in Express, `@fastify/cookie` in Fastify
// (docs/recipes/security.md#cookie-parser).
import cookieParser from 'cookie-parser';
import express from 'express';
import Fastify, { type FastifyRequest } from 'fastify';
import fastifyCookie from '@fastify/cookie';
import type { RecipePair } from '../harness.js';

/** The signing secret both sides share; a real app reads it from its config. */
export const COOKIE_SECRET = 'recipe-cookie-secret-at-least-32-chars';

// #region guide:cookie-parser-bridge
/**
 * cookie-parser signs `s:` + value + `.` + HMAC and only unsigns values that start with `s:`;
 * @fastify/cookie signs value + `.` + the same HMAC with no prefix. While both apps read the
 * same cookie (a bridge), the Fastify side adds and strips the prefix itself.
 */
export function readExpressSigned(request: FastifyRequest, name: string): string | false {
  const raw = request.cookies[name];
  if (raw === undefined || !raw.startsWith('s:')) return false;
  const result = request.unsignCookie(raw.slice(2));
  return result.valid ? result.value : false;
}
// #endregion guide:cookie-parser-bridge

export const cookieParserRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:cookie-parser-express
    app.use(cookieParser(COOKIE_SECRET));
    app.post('/login', (_req, res) => {
      res.cookie('user', 'ada', { signed: true, httpOnly: true, sameSite: 'lax' });
      res.json({ ok: true });
    });
    app.get('/me', (req, res) => {
      // cookie-parser has verified signed cookies already: a wrong signature is `false` here.
      res.json({ theme: req.cookies['theme'] ?? null, user: req.signedCookies['user'] ?? null });
    });
    // #endregion guide:cookie-parser-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:cookie-parser-fastify
    await app.register(fastifyCookie, { secret: COOKIE_SECRET });
    app.post('/login', async (_request, reply) => {
      // `path: '/'` is what Express's res.cookie sets when you give none.
      reply.setCookie('user', 'ada', { signed: true, httpOnly: true, sameSite: 'lax', path: '/' });
      return { ok: true };
    });
    app.get('/me', async (request) => {
      const signed = request.cookies['user'];
      const user = signed === undefined ? null : request.unsignCookie(signed);
      return {
        theme: request.cookies['theme'] ?? null,
        user: user === null ? null : user.valid ? user.value : false,
      };
    });
    // #endregion guide:cookie-parser-fastify
    return app;
  },
};
