// docs/recipes/express4.md#changed-behaviour: the same routes on Express 4 and Express 5, over
// HTTP. Nothing throws at start-up, and Express 5 answers differently: req.body undefined,
// urlencoded without qs, req.query computed on each read, req.host with the port, a cookie
// cleared at once, dot-folders hidden. The portable routes answer alike on both.
import express from 'express';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { changedRoutes, portableRoutes } from '../src/express4/changed.js';
import { express4AsExpress, serveSides } from '../src/express4/serve.js';

const changed = await serveSides({
  express4: changedRoutes(express4AsExpress),
  express5: changedRoutes(express),
});
const portable = await serveSides({
  express4: portableRoutes(express4AsExpress),
  express5: portableRoutes(express),
});
afterAll(async () => {
  await changed.close();
  await portable.close();
});

describe('the same code on Express 4 and on Express 5', () => {
  it('req.body: {} on Express 4 when no JSON came, undefined on Express 5', async () => {
    const notJson = (url: string) =>
      request(url).post('/notes').set('content-type', 'text/plain').send('hello');
    await notJson(changed.express4).expect(201, { title: 'untitled' });
    await notJson(changed.express5).expect(500, {
      error: "Cannot read properties of undefined (reading 'title')",
    });
  });

  it('express.urlencoded() with no `extended`: qs on Express 4, flat keys on Express 5', async () => {
    const form = (url: string) => request(url).post('/form').type('form').send('a[b]=1&c=2');
    await form(changed.express4).expect(200, { a: { b: '1' }, c: '2' });
    await form(changed.express5).expect(200, { 'a[b]': '1', c: '2' });
  });

  it('a default written to req.query: kept on Express 4, lost on Express 5', async () => {
    await request(changed.express4).get('/search?q=x').expect(200, { q: 'x', page: '1' });
    await request(changed.express5).get('/search?q=x').expect(200, { q: 'x' });
  });

  it('req.host: without the port on Express 4, with it on Express 5', async () => {
    const host = (url: string) => request(url).get('/host').set('host', 'api.example:8080');
    await host(changed.express4).expect(200, { host: 'api.example' });
    await host(changed.express5).expect(200, { host: 'api.example:8080' });
  });

  it('res.clearCookie with maxAge: Express 4 keeps the cookie 60 s, Express 5 ignores maxAge', async () => {
    const four = await request(changed.express4).post('/logout').expect(204);
    expect(four.headers['set-cookie']?.[0]).toMatch(/^sid=; Max-Age=60; Path=\/; Expires=/);
    const five = await request(changed.express5).post('/logout').expect(204);
    expect(five.headers['set-cookie']).toEqual([
      'sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
  });

  it('express.static: a file in a dot-folder is served by Express 4, 404 on Express 5', async () => {
    await request(changed.express4).get('/.well-known/security.txt').expect(200);
    await request(changed.express5).get('/.well-known/security.txt').expect(404);
    await request(changed.express5).get('/app.json').expect(200, { name: 'recipe' });
  });
});

describe.each([
  ['Express 4', () => portable.express4],
  ['Express 5', () => portable.express5],
])('the portable routes on %s', (_name, url) => {
  it('answer as Express 4 did, where that was what you wanted', async () => {
    await request(url())
      .post('/notes')
      .set('content-type', 'text/plain')
      .send('hello')
      .expect(201, { title: 'untitled' });
    await request(url()).post('/notes').send({ title: 'milk' }).expect(201, { title: 'milk' });
    await request(url())
      .post('/form')
      .type('form')
      .send('a[b]=1&c=2')
      .expect(200, { a: { b: '1' }, c: '2' });
    await request(url()).get('/search?q=x').expect(200, { q: 'x', page: '1' });
    await request(url()).get('/search?page=3').expect(200, { page: '3' });
    await request(url()).get('/host').set('host', 'api.example:8080').expect(200, {
      host: 'api.example',
    });
    await request(url()).get('/.well-known/security.txt').expect(200);
  });

  it('clear the cookie at once and keep other dotfiles hidden', async () => {
    const res = await request(url()).post('/logout').expect(204);
    expect(res.headers['set-cookie']).toEqual([
      'sid=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ]);
    await request(url()).get('/.hidden').expect(404);
  });
});
