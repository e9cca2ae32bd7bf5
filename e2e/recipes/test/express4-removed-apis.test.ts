// docs/recipes/express4.md#removed-apis: Express 4 calls that Express 5 removed or changed, on
// both versions over HTTP. Some fail loudly on Express 5 (not a function, an invalid status);
// others answer a different status or location without any error. The rewritten routes answer
// on Express 5, and on Express 4 too, as the Express 4 code did.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLegacy, buildMigrated, legacyDeleteOn5 } from '../src/express4/removed-apis.js';
import { serveSides } from '../src/express4/serve.js';

const legacy = await serveSides({ express4: buildLegacy(4), express5: buildLegacy(5) });
const migrated = await serveSides({ express4: buildMigrated(4), express5: buildMigrated(5) });
afterAll(async () => {
  await legacy.close();
  await migrated.close();
});

/** What the Express 4 code answers on Express 4: the answers the migrated code must keep. */
async function expectExpress4Answers(url: string) {
  await request(url).get('/items/7').expect(200, { id: '7' });
  await request(url).post('/items').expect(201, { created: true });
  await request(url).post('/jobs').expect(202, 'Accepted');
  await request(url).get('/old').expect(301).expect('location', '/new');
  await request(url).get('/cancel').set('referer', '/cart').expect(302).expect('location', '/cart');
  await request(url).get('/manifest').expect(200, { name: 'recipe' });
  await request(url).get('/charset').set('accept-charset', 'utf-8').expect(200, {
    charset: 'utf-8',
  });
  await request(url).get('/created-status').expect(201, { created: true });
}

describe('the Express 4 code', () => {
  it('answers on Express 4', async () => {
    await expectExpress4Answers(legacy.express4);
    await request(legacy.express4).delete('/items/7').expect(204);
  });

  it('on Express 5: app.del throws while the routes are added', () => {
    expect(() => legacyDeleteOn5()).toThrow('app.del is not a function');
  });

  describe('on Express 5, the removed methods fail when the route runs', () => {
    it.each([
      ['/items/7', 'req.param is not a function'],
      ['/manifest', 'res.sendfile is not a function'],
      ['/charset', 'req.acceptsCharset is not a function'],
    ])('GET %s answers 500: %s', async (path, message) => {
      await request(legacy.express5).get(path).expect(500, { error: message });
    });

    it('res.redirect(url, status) answers 500: the arguments are read as (status, url)', async () => {
      const res = await request(legacy.express5).get('/old').expect(500);
      // The Location header (`301`) was set before the status threw.
      expect(res.headers['location']).toBe('301');
      expect(JSON.parse(res.text)).toHaveProperty(
        'error',
        'Invalid status code: "/new". Status code must be an integer.',
      );
    });

    it('res.status with a string answers 500', async () => {
      const res = await request(legacy.express5).get('/created-status').expect(500);
      expect(res.body.error).toBe('Invalid status code: "201". Status code must be an integer.');
    });
  });

  describe('on Express 5, some answers change without an error', () => {
    it('res.json(obj, status) answers 200: the status is dropped', async () => {
      await request(legacy.express5).post('/items').expect(200, { created: true });
    });

    it('res.send(status) answers 200 with the number as the body', async () => {
      await request(legacy.express5).post('/jobs').expect(200, '202');
    });

    it("res.redirect('back') sends the client to the path `back`", async () => {
      await request(legacy.express5)
        .get('/cancel')
        .set('referer', '/cart')
        .expect(302)
        .expect('location', 'back');
    });
  });
});

describe.each([
  ['Express 5', () => migrated.express5],
  ['Express 4', () => migrated.express4],
])('the rewritten code on %s', (_name, url) => {
  it('answers as the Express 4 code did on Express 4', async () => {
    await expectExpress4Answers(url());
    await request(url()).delete('/items/7').expect(204);
  });

  it('redirects to / when there is no Referer', async () => {
    await request(url()).get('/cancel').expect(302).expect('location', '/');
  });
});
