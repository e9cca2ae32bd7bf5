// deploy/lambda/template.yaml checked offline: it was never deployed from here (no AWS account),
// so what is held is what CloudFormation would read and what the build writes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigSchema, loadConfig } from '@switchyard/runtime';
import { LAMBDA_APPS, LAMBDA_FILE, WORKSPACE, lambdaBundleDir } from '../src/build-app.js';
import { SAM_TEMPLATE, readSamTemplate, type SamResource } from '../src/manifests.js';

const template = readSamTemplate();
const globals = template.Globals?.Function ?? {};
const functions = Object.entries(template.Resources).filter(
  ([, r]) => r.Type === 'AWS::Serverless::Function',
);
const env = (globals['Environment'] as { Variables: Record<string, unknown> }).Variables;

/** CloudFormation's pseudo parameters that a template may Ref or Sub without declaring them. */
const PSEUDO = ['AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::URLSuffix'];
const PSEUDO_REF = [...PSEUDO, 'AWS::NoValue', 'AWS::Partition', 'AWS::StackId'];

/** Every name the template refers to, by `Ref` or as `${Name}` in a `Fn::Sub` string. */
function references(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) references(item, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string') out.push(value);
      if (key === 'Fn::Sub' && typeof value === 'string')
        for (const [, name] of value.matchAll(/\$\{([^}!]+)\}/g)) out.push(name!);
      references(value, out);
    }
  }
  return out;
}

const prop = <T>(resource: SamResource, name: string): T =>
  (resource.Properties?.[name] ?? globals[name]) as T;

describe('deploy/lambda/template.yaml', () => {
  it('is a SAM template whose every reference names a parameter, a resource or a pseudo parameter', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Transform).toBe('AWS::Serverless-2016-10-31');
    const known = new Set([
      ...Object.keys(template.Parameters),
      ...Object.keys(template.Resources),
      ...PSEUDO_REF,
    ]);
    const names = references(template);
    expect(names.length).toBeGreaterThan(5);
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    expect(PSEUDO.every((p) => known.has(p))).toBe(true);
  });

  it.each(LAMBDA_APPS)(
    "has a function for %s whose code is the folder that app's lambda-bundle target writes",
    (app) => {
      const found = functions.filter(
        ([, r]) =>
          path.resolve(path.dirname(SAM_TEMPLATE), prop<string>(r, 'CodeUri')) ===
          lambdaBundleDir(app),
      );
      expect(found).toHaveLength(1);
      expect(prop(found[0]![1], 'Handler')).toBe(`${path.basename(LAMBDA_FILE, '.mjs')}.handler`);
      const manifest = JSON.parse(
        readFileSync(path.join(WORKSPACE, 'apps', app, 'package.json'), 'utf8'),
      ) as { nx: { targets: Record<string, { outputs: string[]; options: { command: string } }> } };
      const target = manifest.nx.targets['lambda-bundle']!;
      expect(target.outputs).toEqual([
        `{workspaceRoot}/${path.relative(WORKSPACE, lambdaBundleDir(app))}`,
      ]);
      expect(target.options.command).toContain(`build-app.ts ${app} --lambda`);
    },
  );

  it('puts each function behind an HTTP API of its own, with payload 2.0', () => {
    expect(functions).toHaveLength(LAMBDA_APPS.length);
    const apis = functions.map(([, r]) => {
      const events = Object.values(prop<Record<string, SamResource>>(r, 'Events'));
      expect(events).toHaveLength(1);
      expect(events[0]!.Type).toBe('HttpApi');
      expect(events[0]!.Properties?.['PayloadFormatVersion']).toBe('2.0');
      const api = (events[0]!.Properties?.['ApiId'] as { Ref: string }).Ref;
      expect(template.Resources[api]?.Type).toBe('AWS::Serverless::HttpApi');
      return api;
    });
    expect(new Set(apis).size).toBe(functions.length);
  });

  it('runs a Node the apps support, within the 30 s an HTTP API waits', () => {
    const runtime = /^nodejs(\d+)\.x$/.exec(globals['Runtime'] as string);
    expect(runtime).not.toBeNull();
    const engines = (
      JSON.parse(readFileSync(path.join(WORKSPACE, 'package.json'), 'utf8')) as {
        engines: { node: string };
      }
    ).engines.node;
    expect(engines.split('||').map((r) => r.trim().split('.')[0])).toContain(`^${runtime![1]}`);
    expect(globals['Timeout']).toBeLessThanOrEqual(30);
    expect(globals['MemorySize']).toBeGreaterThanOrEqual(128);
  });

  it('gives the functions a valid config: DATABASE_URL from the secret, a pool of one', () => {
    expect(env['DATABASE_URL']).toEqual({
      'Fn::Sub': '{{resolve:secretsmanager:${DatabaseUrlSecret}:SecretString}}',
    });
    const known = new Set([...Object.keys(ConfigSchema.properties), 'NODE_ENV']);
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    // What a deployment's parameters would give them (the secret holds a connection string).
    const given: Record<string, string> = {
      DATABASE_URL: 'postgres://switchyard:secret@db.internal:5432/switchyard',
      ModelUrl: 'https://model.internal',
      KnowledgeUrl: 'https://knowledge.internal',
    };
    const resolved = Object.fromEntries(
      Object.entries(env).map(([k, v]) => [
        k,
        typeof v === 'string'
          ? v
          : k === 'DATABASE_URL'
            ? given[k]
            : given[(v as { Ref: string }).Ref],
      ]),
    );
    const config = loadConfig(resolved);
    expect(config.DB_POOL_SIZE).toBe(1);
    expect(config.DATABASE_URL).toBe(given['DATABASE_URL']);
    expect(config.MODEL_URL).toBe(given['ModelUrl']);
  });
});
