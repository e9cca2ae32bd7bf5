// A bare Fastify 5 app with every default left as it is (no options, no plugins) and the same
// routes as the bare Express app beside it.
import Fastify, { type FastifyInstance } from 'fastify';

export function buildBareFastify(): FastifyInstance {
  const app = Fastify();
  app.get<{ Params: { id: string } }>('/items/:id', async (request) => ({ id: request.params.id }));
  app.get('/query', async (request) => request.query);
  const echo = async (request: { body: unknown }) => ({ body: request.body ?? null });
  app.post('/echo', echo);
  app.delete('/echo', echo);
  app.get('/echo', echo);
  app.get('/error', async () => {
    throw new Error('boom');
  });
  app.get('/rejected', async () => {
    await Promise.resolve();
    throw new Error('boom');
  });
  return app;
}
