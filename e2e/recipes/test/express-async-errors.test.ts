// docs/recipes/validation.md#express-async-errors: a handler whose promise rejects reaches
// the error handler in Express 5 and in Fastify, with no wrapper package.
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { servePair } from '../src/harness.js';
import { asyncErrorsRecipe } from '../src/validation/async-errors.js';

const served = await servePair(asyncErrorsRecipe);
afterAll(() => served.close());

describe.each(served.sides)('a rejected async handler on $name', ({ url }) => {
  it("answers 500 from the error handler, with the error's message", async () => {
    const res = await request(url).get('/items/7');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ message: 'item 7 could not be loaded' });
  });

  it('keeps serving after it', async () => {
    await request(url).get('/items/1').expect(500);
    const res = await request(url).get('/items/2').expect(500);
    expect(res.body).toEqual({ message: 'item 2 could not be loaded' });
  });
});
