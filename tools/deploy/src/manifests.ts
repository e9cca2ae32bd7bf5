// compose.yaml, deploy/k8s/*.yaml and deploy/lambda/template.yaml as data: the environment each
// app gets, its probes and its stop budget, for the tests to hold against the apps' config schema
// and routes.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { WORKSPACE } from './build-app.js';

export const COMPOSE_FILE = path.join(WORKSPACE, 'compose.yaml');
export const K8S_DIR = path.join(WORKSPACE, 'deploy', 'k8s');
export const HAPROXY_CFG = path.join(WORKSPACE, 'deploy', 'haproxy', 'haproxy.cfg');
export const SAM_TEMPLATE = path.join(WORKSPACE, 'deploy', 'lambda', 'template.yaml');

/** CloudFormation's short-form intrinsic functions, each as its long form (`!Ref X` → `{ Ref: X }`). */
const INTRINSICS = ['Ref', 'Condition', 'Sub', 'GetAtt', 'If', 'Not', 'Equals', 'And', 'Or']
  .concat(['Join', 'Select', 'Split', 'FindInMap', 'Base64', 'Cidr', 'GetAZs', 'ImportValue'])
  .flatMap((name) => {
    const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`;
    return [
      {
        tag: `!${name}`,
        resolve: (value: string) => ({ [key]: name === 'GetAtt' ? value.split('.') : value }),
      },
      {
        tag: `!${name}`,
        collection: 'seq' as const,
        resolve: (seq: { toJSON(): unknown }) => ({ [key]: seq.toJSON() }),
      },
    ];
  });

export interface SamResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
}

export interface SamTemplate {
  readonly AWSTemplateFormatVersion: string;
  readonly Transform: string;
  readonly Parameters: Record<string, { Type: string; Default?: string }>;
  readonly Conditions?: Record<string, unknown>;
  readonly Globals?: { Function?: Record<string, unknown> };
  readonly Resources: Record<string, SamResource>;
  readonly Outputs?: Record<string, unknown>;
}

/** The SAM template with its intrinsic functions in their long form, as CloudFormation reads it. */
export function readSamTemplate(file = SAM_TEMPLATE): SamTemplate {
  return parse(readFileSync(file, 'utf8'), { customTags: INTRINSICS }) as SamTemplate;
}

/** YAML with its merge keys (`<<: *app`) applied, as Compose reads it. */
export function readCompose(file = COMPOSE_FILE): Record<string, unknown> {
  return parse(readFileSync(file, 'utf8'), { merge: true }) as Record<string, unknown>;
}

/**
 * Compose's interpolation with nothing set in the environment: `${X:-default}` and `${X-default}`
 * become the default, `$$` a `$`. `${X}` and `${X:?message}` with nothing set are an error here
 * (Compose would warn or stop), so the file must give every variable a default.
 */
export function interpolate(value: string, env: Record<string, string> = {}): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*)|(:?\?)([^}]*))?\}/g,
    (match, name: string | undefined, dash?: string, fallback?: string, query?: string) => {
      if (match === '$$') return '$';
      const set = name !== undefined ? env[name] : undefined;
      if (dash) return (dash === ':-' ? set || undefined : set) ?? fallback ?? '';
      if (set !== undefined && !(query === ':?' && set === '')) return set;
      throw new Error(`\${${name}} is used in compose.yaml without a default`);
    },
  );
}

/** A service's `environment`, as a map or as a list of `KEY=value`, interpolated. */
export function composeEnvironment(service: Record<string, unknown>): Record<string, string> {
  const raw = service['environment'] ?? {};
  const entries: Array<[string, string]> = Array.isArray(raw)
    ? (raw as string[]).map((line) => {
        const at = line.indexOf('=');
        return [line.slice(0, at), line.slice(at + 1)];
      })
    : Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, String(v ?? '')]);
  return Object.fromEntries(entries.map(([k, v]) => [k, interpolate(v)]));
}

/** Compose's durations (`20s`, `1m30s`, `500ms`) in milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(us|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`not a duration: ${JSON.stringify(text)}`);
  }
  return parts.reduce((sum, [, n, unit]) => sum + Number(n) * units[unit!]!, 0);
}

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Every document of every .yaml file under deploy/k8s, with the file it came from. */
export function readK8s(dir = K8S_DIR): Array<{ file: string; object: K8sObject }> {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(path.join(dir, file), 'utf8')).map((doc) => {
        if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
        return { file, object: doc.toJS() as K8sObject };
      }),
    );
}

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string };
    configMapKeyRef?: { name: string; key: string };
  };
}
interface Container {
  name: string;
  env?: EnvVar[];
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
}

/**
 * The environment Kubernetes gives a container, from the manifests alone: the image's ENV, then
 * `envFrom` in order, then `env` (which wins), with references to the ConfigMaps and Secrets in
 * `objects`. A reference to an object or key that is not there is an error.
 */
export function containerEnvironment(
  container: Container,
  objects: readonly K8sObject[],
  imageEnv: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const find = (kind: string, name: string) => {
    const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!object) throw new Error(`${container.name}: no ${kind} ${name} in deploy/k8s`);
    // A Secret's stringData is what kubectl writes into data, base64-encoded.
    const data = (object['data'] ?? {}) as Record<string, string>;
    const stringData = (object['stringData'] ?? {}) as Record<string, string>;
    const decoded =
      kind === 'Secret'
        ? Object.fromEntries(
            Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
          )
        : data;
    return { ...decoded, ...stringData };
  };
  const env: Record<string, string> = { ...imageEnv };
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, find('ConfigMap', source.configMapRef.name));
    if (source.secretRef) Object.assign(env, find('Secret', source.secretRef.name));
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
    if (ref) {
      const kind = variable.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
      const value = find(kind, ref.name)[ref.key];
      if (value === undefined)
        throw new Error(`${container.name}: ${kind} ${ref.name} has no ${ref.key}`);
      env[variable.name] = value;
    } else {
      env[variable.name] = variable.value ?? '';
    }
  }
  return env;
}
