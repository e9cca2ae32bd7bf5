import { describe, expect, it } from 'vitest';
import type { DatabaseTarget } from '@switchyard/persistence/testing';
import type { UsedEnvironment } from '../../support.js';
import { expectDocumented } from '../openapi-check.js';

/** GET /health and GET /ready, and the headers every answer carries. */
export function healthCases(ctx: UsedEnvironment, target: DatabaseTarget): void {
  const { api } = ctx;
  describe('health', () => {
    it('GET /health answers 200 ok', async () => {
      const res = await api().get('/health');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ok' });
      expectDocumented('health', res);
    });

    it('GET /ready answers 200 with the database kind', async () => {
      const res = await api().get('/ready');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', database: target.kind });
      expectDocumented('ready', res);
    });

    it('sends security headers and a request id', async () => {
      const res = await api().get('/health');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-powered-by']).toBeUndefined();
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });
  });
}
