import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURES, type Feature } from '@switchyard/feature-map';
import ts from 'typescript';
import type { Inventory, UseEntry } from './inventory.js';
import { visitFiles, type Workspace } from './program.js';
import type { Replace } from './schema.js';
import { packageName, type Evaluator, type Value } from './values.js';

/**
 * The objects the map's APIs are written on (`app.param`, `res.locals`, `bodyParser.json`) and
 * how the scan recognises each: an Express object, a handler's parameter, or a package's
 * default export. test/feature-map.test.ts checks that every API of the map starts with one.
 */
export const API_OBJECTS = {
  app: { kind: 'object', of: 'app' },
  router: { kind: 'object', of: 'router' },
  req: { kind: 'param', of: 'req' },
  res: { kind: 'param', of: 'res' },
  express: { kind: 'package', of: 'express' },
  bodyParser: { kind: 'package', of: 'body-parser' },
} as const;
export type ApiObject = keyof typeof API_OBJECTS;

/**
 * `app.use` means four rows of the map; the inventory tells which one each call is. Every id
 * here is checked against the map by test/feature-map.test.ts.
 */
export const USE_ROWS: Readonly<Record<UseEntry['role'] | 'not-found', string>> = {
  mount: 'express-router',
  middleware: 'app-use',
  'error-handler': 'error-handler',
  'not-found': 'not-found',
};
const AMBIGUOUS_APIS = new Set(['app.use', 'router.use']);

/** Every package and API the scan looks for: the map's, nothing else (one source). */
export function knowledge(features: readonly Feature[] = FEATURES) {
  const byPackage = new Map<string, Feature[]>();
  const byApi = new Map<string, Feature[]>();
  for (const feature of features) {
    for (const pkg of feature.packages)
      byPackage.set(pkg, [...(byPackage.get(pkg) ?? []), feature]);
    for (const api of feature.apis) byApi.set(api, [...(byApi.get(api) ?? []), feature]);
  }
  // `app.set('trust proxy')` is the member `set`, matched with its first argument.
  const member = (api: string) => /^\w+\.(\w+)/.exec(api)?.[1] ?? api;
  const members = new Set([...byApi.keys()].filter((api) => !api.includes('(')).map(member));
  const setters = new Set([...byApi.keys()].filter((api) => api.includes('(')).map(member));
  return { byPackage, byApi, members, setters };
}

interface Evidence {
  readonly what: string;
  readonly file: string;
  readonly line: number;
}

function isTypeOnly(node: ts.Node): boolean {
  for (let n: ts.Node | undefined = node; n; n = n.parent) {
    if (ts.isImportDeclaration(n)) return n.importClause?.isTypeOnly ?? false;
    if (ts.isImportSpecifier(n) && n.isTypeOnly) return true;
  }
  return false;
}

/** Which of API_OBJECTS a value or a parameter is. */
function objectOf(
  node: ts.Expression,
  ev: Evaluator,
  ws: Workspace,
  params: ReadonlyMap<ts.ParameterDeclaration, 'req' | 'res'>,
): ApiObject | undefined {
  if (ts.isIdentifier(node)) {
    const decl = ws.checker.getSymbolAtLocation(node)?.declarations?.[0];
    if (decl && ts.isParameter(decl)) return params.get(decl) ?? typedParam(decl, ev);
  }
  const value: Value = ev.eval(node);
  if (value.k === 'object-of') return value.obj.kind;
  if (value.k === 'ext' && value.path.length === 0 && !value.called) {
    for (const [name, spec] of Object.entries(API_OBJECTS)) {
      if (spec.kind === 'package' && spec.of === value.pkg) return name as ApiObject;
    }
  }
  return undefined;
}

/** A parameter typed with Express's `Request` or `Response`, or in a typed `RequestHandler`. */
function typedParam(decl: ts.ParameterDeclaration, ev: Evaluator): 'req' | 'res' | undefined {
  const type = decl.type;
  if (type && ts.isTypeReferenceNode(type)) {
    const value = ev.eval(ts.isIdentifier(type.typeName) ? type.typeName : type.typeName.right);
    const last = value.k === 'ext' && value.pkg === 'express' ? value.path.at(-1) : undefined;
    if (last === 'Request') return 'req';
    if (last === 'Response') return 'res';
  }
  return undefined;
}

/**
 * Pass 2 for the map: the packages the app imports and the APIs it calls, each matched to the
 * map's rows; the `app.use` calls by what the inventory found them to be.
 */
export function findReplacements(
  ws: Workspace,
  ev: Evaluator,
  inv: Inventory,
  notFound: ReadonlySet<UseEntry>,
  skipped: ReadonlySet<ts.SourceFile>,
  onError: (file: ts.SourceFile, error: unknown) => void,
): Replace[] {
  const { byPackage, byApi, members, setters } = knowledge();
  const evidence = new Map<Feature, Evidence[]>();
  const seen = new Set<string>();
  const add = (feature: Feature, what: string, node: ts.Node): void => {
    const where = ev.location(node);
    const key = `${feature.id}\0${what}\0${where.file}\0${where.line}`;
    if (seen.has(key)) return;
    seen.add(key);
    const list = evidence.get(feature) ?? [];
    list.push({ what, ...where });
    evidence.set(feature, list);
  };
  const addApi = (api: string, node: ts.Node): void => {
    if (AMBIGUOUS_APIS.has(api)) return;
    for (const feature of byApi.get(api) ?? []) add(feature, `\`${api}\``, node);
  };
  const addPackage = (specifier: string, node: ts.Node): void => {
    const pkg = packageName(specifier);
    for (const feature of byPackage.get(pkg) ?? []) add(feature, `imports ${pkg}`, node);
  };

  const visit = (node: ts.Node): void => {
    if (
      ts.isImportDeclaration(node) &&
      ts.isStringLiteral(node.moduleSpecifier) &&
      !isTypeOnly(node)
    ) {
      addPackage(node.moduleSpecifier.text, node);
      // `import { Router } from 'express'` is `express.Router`.
      if (node.moduleSpecifier.text === 'express') {
        const bindings = node.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          for (const spec of bindings.elements) {
            if (!spec.isTypeOnly) addApi(`express.${(spec.propertyName ?? spec.name).text}`, spec);
          }
        }
      }
    } else if (
      ts.isCallExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'require' &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      addPackage(node.arguments[0].text, node);
    } else if (ts.isPropertyAccessExpression(node) && members.has(node.name.text)) {
      const object = objectOf(node.expression, ev, ws, inv.handlerParams);
      if (object) addApi(`${object}.${node.name.text}`, node);
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      setters.has(node.expression.name.text) &&
      node.arguments[0]
    ) {
      // A setting: `app.set('trust proxy', 1)`, its name a constant from anywhere.
      const setting = ev.eval(node.arguments[0]);
      const object = objectOf(node.expression.expression, ev, ws, inv.handlerParams);
      if (object && setting.k === 'string' && setting.exact) {
        addApi(`${object}.${node.expression.name.text}('${setting.value}')`, node);
      }
    }
    ts.forEachChild(node, visit);
  };
  visitFiles(ws, skipped, onError, visit);

  const byId = new Map(FEATURES.map((f) => [f.id, f]));
  for (const use of inv.uses) {
    const role = notFound.has(use) ? 'not-found' : use.role;
    const feature = byId.get(USE_ROWS[role]);
    if (feature) add(feature, `\`${use.owner.kind}.use\` (${role})`, use.node);
  }

  // The rows for an Express major (the Express 4 path) come from the dependency itself: an
  // Express 4 app needs them whatever it calls.
  const express = expressDependency(ws.root);
  if (express) {
    for (const feature of FEATURES) {
      if (!feature.expressMajors?.includes(express.major)) continue;
      const list = evidence.get(feature) ?? [];
      list.push({
        what: `depends on express ${express.range}`,
        file: 'package.json',
        line: express.line,
      });
      evidence.set(feature, list);
    }
  }

  return FEATURES.filter((f) => evidence.has(f)).map((f) => ({
    feature: f.id,
    express: f.express,
    fastify: f.fastify,
    fastifyPackages: [...f.fastifyPackages],
    gotcha: f.gotcha,
    recipe: `docs/recipes/${f.recipe}`,
    evidence: evidence
      .get(f)!
      .sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1)),
  }));
}

/**
 * The `express` range in the scanned directory's package.json (dependencies, then
 * devDependencies; an npm alias such as `npm:express@^4` too), its major and its line; undefined
 * without a package.json, without express, or with a range whose major cannot be read.
 */
export function expressDependency(
  root: string,
): { readonly range: string; readonly major: number; readonly line: number } | undefined {
  let text: string;
  let manifest: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
  try {
    text = readFileSync(join(root, 'package.json'), 'utf8');
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    return undefined;
  }
  const range = manifest.dependencies?.express ?? manifest.devDependencies?.express;
  if (typeof range !== 'string') return undefined;
  const major = /^(?:npm:express@)?[\^~>=v\s]*(\d+)/.exec(range)?.[1];
  if (major === undefined) return undefined;
  const index = text.indexOf('"express"');
  const line = index === -1 ? 1 : text.slice(0, index).split('\n').length;
  return { range, major: Number(major), line };
}

/** Middleware from a package the map has no row for: listed, never guessed. */
export function unknownPackages(): (pkg: string) => boolean {
  const { byPackage } = knowledge();
  return (pkg) => pkg !== 'express' && !byPackage.has(pkg);
}
