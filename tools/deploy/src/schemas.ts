// The published schemas the deploy files are checked against, from npm: the Compose
// specification's JSON schema (dclint, a Compose linter, ships the compose-spec repository's
// compose-spec.json as schemas/compose.schema.json) under Ajv, and the Kubernetes OpenAPI schemas as the Ajv validators
// kubernetes-models compiled from them (its README names Kubernetes 1.27.1).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import type { K8sObject } from './manifests.js';

const require = createRequire(import.meta.url);

let compose: ValidateFunction | undefined;

/** compose.yaml's problems against the Compose specification, one line each; [] when valid. */
export function composeProblems(document: unknown): string[] {
  if (!compose) {
    // dclint's exports map hides its files; its package.json is exported.
    const dir = path.dirname(require.resolve('dclint/package.json'));
    const published = JSON.parse(
      readFileSync(path.join(dir, 'schemas', 'compose.schema.json'), 'utf8'),
    ) as object;
    // It names draft-07 as `https://…/schema`; Ajv registers that meta-schema as `http://…/schema#`.
    const schema = { ...published, $schema: 'http://json-schema.org/draft-07/schema#' };
    // strict: false for the keywords Ajv does not know (the schema's own extensions).
    const ajv = new Ajv({ strict: false, allErrors: true });
    compose = ajv.compile(schema);
  }
  if (compose(document)) return [];
  return (compose.errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`,
  );
}

/** The kubernetes-models class of each kind the manifests use. */
const MODELS: Record<string, string> = {
  'apps/v1 Deployment': 'kubernetes-models/apps/v1/Deployment',
  'v1 Service': 'kubernetes-models/v1/Service',
  'v1 ConfigMap': 'kubernetes-models/v1/ConfigMap',
  'v1 Secret': 'kubernetes-models/v1/Secret',
  'autoscaling/v2 HorizontalPodAutoscaler':
    'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler',
};

/**
 * An object's problems against its kind's Kubernetes schema; [] when valid. The Kubernetes
 * schemas allow fields they do not name (the API server's strict field validation refuses
 * them, not the schema), so a misspelt field passes here: the tests check the fields that
 * matter by name.
 */
export function kubernetesProblems(object: K8sObject): string[] {
  const model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!model) return [`no schema here for ${object.apiVersion} ${object.kind}`];
  const exports = require(model) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = exports[object.kind]!;
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}
