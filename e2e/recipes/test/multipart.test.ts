// docs/recipes/bodies.md#multipart: a file and a field through `multer` (memoryStorage) and
// through `@fastify/multipart` (request.parts() and toBuffer()), the size limit at its bound,
// and what each answers without the recipe's error handling.
import express from 'express';
import Fastify from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import multer from 'multer';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { FILE_LIMIT_BYTES, multipartRecipe } from '../src/bodies/multipart.js';

const served = await servePair(multipartRecipe);
afterAll(() => served.close());

const png = (bytes: number) => ({ data: Buffer.alloc(bytes, 1), filename: 'me.png' });

describe.each(served.sides)('an upload on $name', ({ url }) => {
  const upload = (field: string, bytes: number) => {
    const { data, filename } = png(bytes);
    return request(url)
      .post('/avatars')
      .field('name', 'ann')
      .attach(field, data, { filename, contentType: 'image/png' });
  };

  it('reads the field and the file, at exactly the size limit', async () => {
    const res = await upload('avatar', FILE_LIMIT_BYTES);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      name: 'ann',
      file: { filename: 'me.png', type: 'image/png', bytes: FILE_LIMIT_BYTES },
    });
  });

  it('reads a field sent after the file', async () => {
    const { data, filename } = png(10);
    const res = await request(url)
      .post('/avatars')
      .attach('avatar', data, { filename, contentType: 'image/png' })
      .field('name', 'ann');
    expect(res.status).toBe(201);
    expect(res.body.name).toBe('ann');
  });

  it('answers 413 to a file one byte past the limit', async () => {
    expect((await upload('avatar', FILE_LIMIT_BYTES + 1)).status).toBe(413);
  });

  it('answers 400 to a file under another field name, and to a second file', async () => {
    expect((await upload('photo', 10)).body).toEqual({ error: 'unexpected file field' });
    const { data } = png(10);
    const two = await request(url)
      .post('/avatars')
      .attach('avatar', data, 'a.png')
      .attach('avatar', data, 'b.png');
    expect(two.status).toBe(400);
  });

  it('answers 400 to a form with no file', async () => {
    const res = await request(url).post('/avatars').field('name', 'ann');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: 'no file' });
  });
});

describe('where multer and @fastify/multipart differ', () => {
  it('a JSON body: multer lets it through (no file), the plugin answers 406', async () => {
    const fromExpress = await request(served.express.url).post('/avatars').send({ name: 'ann' });
    expect(fromExpress.status).toBe(400);
    expect(fromExpress.body).toEqual({ error: 'no file' });
    const fromFastify = await request(served.fastify.url).post('/avatars').send({ name: 'ann' });
    expect(fromFastify.status).toBe(406);
    expect(fromFastify.body).toMatchObject({ code: 'FST_INVALID_MULTIPART_CONTENT_TYPE' });
  });

  it('the size error: multer raises it without a status (Express answers 500), the plugin 413', async () => {
    const app = express();
    const upload = multer({ limits: { fileSize: FILE_LIMIT_BYTES } });
    app.post('/avatars', upload.single('avatar'), (_req, res) => {
      res.status(201).end();
    });
    const res = await request(app)
      .post('/avatars')
      .attach('avatar', Buffer.alloc(FILE_LIMIT_BYTES + 1), 'me.png');
    expect(res.status).toBe(500);
    expect(res.text).toContain('MulterError: File too large');
    const tooLarge = await request(served.fastify.url)
      .post('/avatars')
      .attach('avatar', Buffer.alloc(FILE_LIMIT_BYTES + 1), 'me.png');
    expect(tooLarge.body).toMatchObject({ statusCode: 413, code: 'FST_REQ_FILE_TOO_LARGE' });
  });

  it('the default file size: multer none, the plugin bodyLimit (1 MiB)', async () => {
    const mib = 1024 * 1024;
    const app = express();
    app.post('/avatars', multer().single('avatar'), (req, res) => {
      res.json({ bytes: req.file?.buffer.length });
    });
    const fromMulter = await request(app)
      .post('/avatars')
      .attach('avatar', Buffer.alloc(mib + 1), 'me.png');
    expect(fromMulter.body).toEqual({ bytes: mib + 1 });

    const fastify = Fastify();
    await fastify.register(fastifyMultipart);
    fastify.post('/avatars', async (request) => {
      const file = await request.file();
      return { bytes: (await file!.toBuffer()).length };
    });
    const url = await fastify.listen({ port: 0, host: '127.0.0.1' });
    try {
      const atLimit = await request(url)
        .post('/avatars')
        .attach('avatar', Buffer.alloc(mib), 'me.png');
      expect(atLimit.body).toEqual({ bytes: mib });
      const over = await request(url)
        .post('/avatars')
        .attach('avatar', Buffer.alloc(mib + 1), 'me.png');
      expect(over.status).toBe(413);
    } finally {
      await fastify.close();
    }
  });
});
