import AjvModule, { type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  apiRoutes,
  buildOpenApiDocument,
  openApiPath,
  type ApiRouteName,
} from '@switchyard/api-spec';
import type { Response } from 'supertest';
import { expect } from 'vitest';

// CommonJS modules: see libs/api-spec/src/lib/validation/validator.ts.
const Ajv = AjvModule.default;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const document = buildOpenApiDocument();
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const compiled = new Map<string, ValidateFunction>();

interface Operation {
  responses: Record<string, { content?: { 'application/json'?: { schema: object } } }>;
}

/**
 * Checks a response against the OpenAPI document the apps serve: the status must be listed for
 * the operation, and a JSON body must match that status's schema. The proxy passes upstream
 * statuses through, so for it only the gateway's own statuses are checked.
 */
export function expectDocumented(route: ApiRouteName, res: Response): void {
  const { method, path } = apiRoutes[route];
  const operation = document.paths[openApiPath(path)]?.[method.toLowerCase()] as
    Operation | undefined;
  expect(operation, `${method} ${path} is in the OpenAPI document`).toBeDefined();
  const documented = operation!.responses[String(res.status)];
  if (route === 'proxy' && !documented) return;
  expect(documented, `${method} ${path} documents status ${res.status}`).toBeDefined();
  const schema = documented!.content?.['application/json']?.schema;
  if (!schema) {
    expect(res.text ?? '', `${method} ${path} ${res.status} has no body`).toBe('');
    return;
  }
  if (route === 'proxy' && res.status < 400) return;
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const key = `${route} ${res.status}`;
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  const ok = validate(res.body);
  expect(
    ok ? [] : validate.errors,
    `${method} ${path} ${res.status} body matches the document`,
  ).toEqual([]);
}
