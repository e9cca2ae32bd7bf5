// Recipe: `multer` in Express, `@fastify/multipart` in Fastify (docs/recipes/bodies.md#multipart).
import express, { type NextFunction, type Request, type Response } from 'express';
import Fastify from 'fastify';
import fastifyMultipart from '@fastify/multipart';
import multer from 'multer';
import type { RecipePair } from '../harness.js';

/** The largest file either side takes, in bytes; set on purpose, the defaults differ. */
export const FILE_LIMIT_BYTES = 1024;

export const multipartRecipe: RecipePair = {
  express() {
    const app = express();
    // #region guide:multipart-express
    // memoryStorage: the whole file in req.file.buffer before the handler runs.
    const upload = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: FILE_LIMIT_BYTES },
    });
    app.post('/avatars', upload.single('avatar'), (req, res) => {
      if (!req.file) {
        res.status(400).json({ error: 'no file' });
        return;
      }
      res.status(201).json({
        name: req.body.name,
        file: {
          filename: req.file.originalname,
          type: req.file.mimetype,
          bytes: req.file.buffer.length,
        },
      });
    });
    // A MulterError has a code but no status: without this handler, Express answers it with 500.
    app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
      if (!(err instanceof multer.MulterError)) return next(err);
      if (err.code === 'LIMIT_FILE_SIZE') res.status(413).json({ error: 'file too large' });
      else res.status(400).json({ error: 'unexpected file field' });
    });
    // #endregion guide:multipart-express
    return app;
  },
  async fastify() {
    const app = Fastify();
    // #region guide:multipart-fastify
    await app.register(fastifyMultipart, { limits: { fileSize: FILE_LIMIT_BYTES } });
    app.post('/avatars', async (request, reply) => {
      const fields: Record<string, string> = {};
      let file: { filename: string; type: string; bytes: number } | undefined;
      let unexpected = false;
      // Parts arrive in the order the client sent them; each file is a stream that must be read
      // (here into memory, as multer's memoryStorage does) before the next part arrives.
      for await (const part of request.parts()) {
        if (part.type === 'file') {
          const bytes = (await part.toBuffer()).length; // rejects with a 413 past fileSize
          if (part.fieldname !== 'avatar' || file) unexpected = true;
          else file = { filename: part.filename, type: part.mimetype, bytes };
        } else {
          fields[part.fieldname] = String(part.value);
        }
      }
      if (unexpected) return reply.code(400).send({ error: 'unexpected file field' });
      if (!file) return reply.code(400).send({ error: 'no file' });
      return reply.code(201).send({ name: fields.name, file });
    });
    // #endregion guide:multipart-fastify
    return app;
  },
};
