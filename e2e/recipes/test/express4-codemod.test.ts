// docs/recipes/express4.md#codemod: an Express 4 file before the Express 5 codemod, as its
// transforms leave it, and finished by hand. The codemod's output still runs on Express 4, so
// you can apply it before you upgrade; on Express 5 it still fails at start-up on the paths,
// which it does not touch; its static-dotfiles change serves a dotfile Express 4 hid.
import express from 'express';
import express4, { type Express4Module } from 'express4';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { afterCodemod, beforeCodemod, finishedByHand } from '../src/express4/codemod.js';
import { listen } from '../src/express4/serve.js';

/** Express 5's module where the recipe takes Express 4's: the upgraded dependency. */
const express5 = express as unknown as Express4Module;

const servers: { close(): Promise<void> }[] = [];
afterAll(async () => {
  for (const server of servers) await server.close();
});
async function serve(app: ReturnType<typeof beforeCodemod>) {
  const served = await listen(app);
  servers.push(served);
  return served.url;
}

/** The answers of the Express 4 file on Express 4, which every later stage must keep. */
async function expectExpress4Answers(url: string) {
  await request(url).get('/files/app.json').expect(200, { name: 'recipe' });
  await request(url).get('/items/7').expect(200, { id: '7' });
  await request(url).get('/items').expect(200, { id: null });
  await request(url).post('/items').expect(201, { created: true });
  await request(url).delete('/items/7').expect(204);
  await request(url).get('/cancel').set('referer', '/cart').expect(302).expect('location', '/cart');
  await request(url).get('/old').expect(301).expect('location', '/items');
  await request(url).get('/charset').set('accept-charset', 'utf-8').expect(200, {
    charset: 'utf-8',
  });
  await request(url).get('/.well-known/security.txt').expect(200);
}

describe('before the codemod', () => {
  it('answers on Express 4, and hides a dotfile at the top of the static folder', async () => {
    const url = await serve(beforeCodemod(express4));
    await expectExpress4Answers(url);
    await request(url).get('/.hidden').expect(404);
  });

  it('fails on Express 5 when the first Express 4 path is added', () => {
    expect(() => beforeCodemod(express5)).toThrow('Missing parameter name at index 8: /files/*');
  });
});

describe('as the codemod leaves it', () => {
  it('still answers on Express 4: you can apply it before the upgrade', async () => {
    const url = await serve(afterCodemod(express4));
    await expectExpress4Answers(url);
  });

  it("serves the dotfile Express 4 hid: static-dotfiles' `allow` is wider", async () => {
    const url = await serve(afterCodemod(express4));
    const res = await request(url).get('/.hidden').expect(200);
    expect(String(res.body)).toBe('not for the public\n');
  });

  it('still fails on Express 5: the paths are left for you', () => {
    expect(() => afterCodemod(express5)).toThrow('Missing parameter name at index 8: /files/*');
  });
});

describe.each([
  ['Express 5', express5],
  ['Express 4', express4],
])('finished by hand, on %s', (_name, ex) => {
  it('answers as the Express 4 file did, dotfile hidden', async () => {
    const url = await serve(finishedByHand(ex));
    await expectExpress4Answers(url);
    await request(url).get('/.hidden').expect(404);
  });
});
