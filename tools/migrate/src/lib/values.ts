import { dirname } from 'node:path';
import ts from 'typescript';
import type { Workspace } from './program.js';

/** An app (`express()`) or a router (`express.Router()`), one per place that creates it. */
export interface ExpressObject {
  readonly kind: 'app' | 'router';
  /** `file:line` of the call that creates it: unique. */
  readonly id: string;
  /** The variable it is assigned to, or the file's name when it has none. */
  readonly name: string;
  readonly node: ts.Node;
}

/**
 * What an expression is, as far as the scan can tell without running it. Only what the report
 * needs is modelled: Express itself and its objects, other packages' exports, constant strings,
 * and functions, object and array literals to look into.
 */
export type Value =
  | { readonly k: 'unknown' }
  /** A package's export (`path` below it); `called` once it has been called (`cors()`). */
  | {
      readonly k: 'ext';
      readonly pkg: string;
      readonly path: readonly string[];
      readonly called: boolean;
    }
  | { readonly k: 'object-of'; readonly obj: ExpressObject }
  /** `app.route(path)`: the methods called on it register routes on `owner` at `path`. */
  | {
      readonly k: 'route';
      readonly owner: ExpressObject;
      readonly path: ts.Expression;
      readonly node: ts.Node;
    }
  /** `exact: false` when part of it is not a constant; that part shows as `${…}`. */
  | { readonly k: 'string'; readonly value: string; readonly exact: boolean }
  | { readonly k: 'regexp'; readonly source: string }
  | { readonly k: 'object'; readonly node: ts.ObjectLiteralExpression }
  | { readonly k: 'array'; readonly items: readonly Value[] }
  | { readonly k: 'function'; readonly node: ts.SignatureDeclaration & { body?: ts.Node } }
  /** A CommonJS or ES module of the app's own code (`require('./routes')`). */
  | { readonly k: 'module'; readonly file: ts.SourceFile };

export const UNKNOWN: Value = { k: 'unknown' };

/** `node:fs` → `fs`, `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`. */
export function packageName(specifier: string): string {
  const bare = specifier.replace(/^node:/, '');
  const parts = bare.split('/');
  return bare.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? bare);
}

const isRelative = (specifier: string) => specifier.startsWith('.') || specifier.startsWith('/');

/** Evaluates expressions to Values, once per node (a cycle evaluates to unknown). */
export class Evaluator {
  readonly #ws: Workspace;
  readonly #memo = new Map<ts.Node, Value>();
  readonly #objects = new Map<ts.Node, ExpressObject>();
  readonly #resolved = new Map<string, ts.ResolvedModuleFull | undefined>();
  /** The app's calls of each of its own functions, for what their parameters are. */
  readonly #calls = new Map<ts.Node, ts.CallExpression[]>();
  #binding = false;
  readonly #notes: { node: ts.Node; why: string }[] = [];
  readonly #noted = new Set<ts.Node>();

  constructor(workspace: Workspace) {
    this.#ws = workspace;
  }

  /**
   * Indexes every call of the app's own functions (`registerRoutes(app)`,
   * `require('./routes')(app, '/v1')`), so that a parameter is what its callers pass: an app or
   * router handed to a function, or a constant prefix. Call it once, before any other eval;
   * `skip` holds files not to read. While it runs, a parameter is unknown, and what was worked
   * out meanwhile is forgotten after (the apps and routers found are kept). A file with a
   * syntax error is not read (the inventory reports it).
   */
  bindCalls(): void {
    this.#binding = true;
    const visit = (node: ts.Node): void => {
      if (
        ts.isCallExpression(node) &&
        node.arguments.length > 0 &&
        !(
          ts.isPropertyAccessExpression(node.expression) &&
          REGISTRATION.has(node.expression.name.text)
        )
      ) {
        const callee = this.eval(node.expression);
        if (callee.k === 'function' && this.#ws.isScanned(callee.node.getSourceFile().fileName)) {
          const list = this.#calls.get(callee.node) ?? [];
          list.push(node);
          this.#calls.set(callee.node, list);
        }
      }
      ts.forEachChild(node, visit);
    };
    for (const file of this.#ws.files) {
      if (this.#ws.program.getSyntacticDiagnostics(file).length > 0) continue;
      try {
        visit(file);
      } catch {
        // The inventory reports a file it cannot follow; its calls bind nothing.
      }
    }
    this.#binding = false;
    this.#memo.clear();
  }

  /**
   * The call that hands `owner` to the function whose parameter `receiver` is, if it is one:
   * where what is registered on the parameter runs.
   */
  callSiteOf(receiver: ts.Expression, owner: ExpressObject): ts.CallExpression | undefined {
    if (!ts.isIdentifier(receiver)) return undefined;
    const decl = this.#ws.checker.getSymbolAtLocation(receiver)?.declarations?.[0];
    if (!decl || !ts.isParameter(decl)) return undefined;
    const index = decl.parent.parameters.indexOf(decl);
    return this.#calls.get(decl.parent)?.find((call) => {
      const arg = call.arguments[index];
      const value = arg ? this.eval(arg) : UNKNOWN;
      return value.k === 'object-of' && value.obj === owner;
    });
  }

  /** What the scan could not bind (a parameter given different apps), once each. */
  notes(): readonly { readonly node: ts.Node; readonly why: string }[] {
    return this.#notes;
  }

  /** Every app and router created so far, in the order first seen. */
  objects(): ExpressObject[] {
    return [...this.#objects.values()];
  }

  location(node: ts.Node): { file: string; line: number } {
    const file = node.getSourceFile();
    const { line } = file.getLineAndCharacterOfPosition(node.getStart(file));
    return { file: this.#ws.display(file.fileName), line: line + 1 };
  }

  eval(node: ts.Node): Value {
    const known = this.#memo.get(node);
    if (known) return known;
    this.#memo.set(node, UNKNOWN);
    const value = this.#evaluate(node);
    this.#memo.set(node, value);
    return value;
  }

  /** The module a specifier names, from a file: the app's own source, or undefined for a package. */
  resolveModule(specifier: string, from: ts.SourceFile): ts.SourceFile | undefined {
    const key = `${dirname(from.fileName)}\0${specifier}`;
    let resolved = this.#resolved.get(key);
    if (!this.#resolved.has(key)) {
      resolved = ts.resolveModuleName(
        specifier,
        from.fileName,
        this.#ws.program.getCompilerOptions(),
        ts.sys,
        undefined,
        undefined,
        from.impliedNodeFormat,
      ).resolvedModule;
      this.#resolved.set(key, resolved);
    }
    if (!resolved || resolved.extension.startsWith('.d.')) return undefined;
    // A workspace package is linked into node_modules: its real path says it is source.
    const real = ts.sys.realpath?.(resolved.resolvedFileName) ?? resolved.resolvedFileName;
    if (/[\\/]node_modules[\\/]/.test(real)) return undefined;
    return (
      this.#ws.program.getSourceFile(resolved.resolvedFileName) ??
      this.#ws.program.getSourceFile(real)
    );
  }

  /** A package import, or the app's own module, as a Value. */
  moduleValue(specifier: string, from: ts.SourceFile): Value {
    const file = this.resolveModule(specifier, from);
    if (file) return { k: 'module', file };
    if (isRelative(specifier)) return UNKNOWN;
    return { k: 'ext', pkg: packageName(specifier), path: [], called: false };
  }

  #object(kind: 'app' | 'router', node: ts.Node): Value {
    let obj = this.#objects.get(node);
    if (!obj) {
      const { file, line } = this.location(node);
      obj = { kind, id: `${file}:${line}`, name: nameOf(node) ?? file, node };
      this.#objects.set(node, obj);
    }
    return { k: 'object-of', obj };
  }

  #evaluate(node: ts.Node): Value {
    if (
      ts.isParenthesizedExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isSatisfiesExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isTypeAssertionExpression(node)
    ) {
      return this.eval(node.expression);
    }
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      return { k: 'string', value: node.text, exact: true };
    }
    if (ts.isRegularExpressionLiteral(node)) return { k: 'regexp', source: node.text };
    if (ts.isTemplateExpression(node)) {
      let value = node.head.text;
      let exact = true;
      for (const span of node.templateSpans) {
        const part = this.eval(span.expression);
        if (part.k === 'string') {
          value += part.value;
          exact &&= part.exact;
        } else {
          value += `\${${span.expression.getText()}}`;
          exact = false;
        }
        value += span.literal.text;
      }
      return { k: 'string', value, exact };
    }
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
      const left = this.eval(node.left);
      const right = this.eval(node.right);
      if (left.k === 'string' && right.k === 'string') {
        return { k: 'string', value: left.value + right.value, exact: left.exact && right.exact };
      }
      return UNKNOWN;
    }
    if (ts.isObjectLiteralExpression(node)) return { k: 'object', node };
    if (ts.isArrayLiteralExpression(node)) {
      const items: Value[] = [];
      for (const element of node.elements) {
        if (ts.isSpreadElement(element)) {
          const spread = this.eval(element.expression);
          if (spread.k === 'array') items.push(...spread.items);
          else items.push(UNKNOWN);
        } else items.push(this.eval(element));
      }
      return { k: 'array', items };
    }
    if (
      ts.isArrowFunction(node) ||
      ts.isFunctionExpression(node) ||
      ts.isFunctionDeclaration(node)
    ) {
      return { k: 'function', node };
    }
    if (ts.isIdentifier(node)) return this.#identifier(node);
    if (ts.isPropertyAccessExpression(node)) {
      return this.member(this.eval(node.expression), node.name.text);
    }
    if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      return this.member(this.eval(node.expression), node.argumentExpression.text);
    }
    if (ts.isCallExpression(node)) return this.#call(node);
    if (ts.isNewExpression(node)) {
      const callee = this.eval(node.expression);
      if (callee.k === 'ext' && callee.pkg === 'express' && callee.path.join('.') === 'Router') {
        return this.#object('router', node);
      }
      return UNKNOWN;
    }
    if (ts.isVariableDeclaration(node)) {
      if (!node.initializer) return UNKNOWN;
      return this.eval(node.initializer);
    }
    if (ts.isBindingElement(node)) {
      const pattern = node.parent;
      if (!ts.isObjectBindingPattern(pattern)) return UNKNOWN;
      const holder = pattern.parent;
      if (!ts.isVariableDeclaration(holder) || !holder.initializer) return UNKNOWN;
      const key = node.propertyName ?? node.name;
      if (!ts.isIdentifier(key)) return UNKNOWN;
      return this.member(this.eval(holder.initializer), key.text);
    }
    if (ts.isPropertyAssignment(node)) return this.eval(node.initializer);
    if (ts.isShorthandPropertyAssignment(node)) {
      const symbol = this.#ws.checker.getShorthandAssignmentValueSymbol(node);
      const decl = symbol?.declarations?.[0];
      return decl ? this.eval(decl) : UNKNOWN;
    }
    if (ts.isExportAssignment(node)) return this.eval(node.expression);
    if (ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node)) {
      return this.#imported(node);
    }
    if (ts.isImportEqualsDeclaration(node)) {
      const ref = node.moduleReference;
      if (ts.isExternalModuleReference(ref) && ts.isStringLiteral(ref.expression)) {
        return this.moduleValue(ref.expression.text, node.getSourceFile());
      }
      return UNKNOWN;
    }
    return UNKNOWN;
  }

  #identifier(node: ts.Identifier): Value {
    const symbol = this.#ws.checker.getSymbolAtLocation(node);
    const decl = symbol?.declarations?.[0];
    if (!decl) {
      // A global: fetch is the one the report cares about.
      return node.text === 'fetch' ? { k: 'ext', pkg: 'fetch', path: [], called: false } : UNKNOWN;
    }
    if (ts.isParameter(decl)) return this.#parameter(decl);
    return this.eval(decl);
  }

  /**
   * A parameter of the app's own function: what every call passes, when the calls agree on one
   * app or router, or one constant; its default when a call leaves it out. A parameter the calls
   * give different apps or routers is noted (its registrations cannot be given one owner).
   */
  #parameter(decl: ts.ParameterDeclaration): Value {
    if (this.#binding || decl.dotDotDotToken || !ts.isIdentifier(decl.name)) return UNKNOWN;
    const fn = decl.parent;
    const calls = this.#calls.get(fn);
    if (!calls) return UNKNOWN;
    const index = fn.parameters.indexOf(decl);
    const values: Value[] = [];
    for (const call of calls) {
      const args = call.arguments;
      if (args.slice(0, index + 1).some((arg) => ts.isSpreadElement(arg))) return UNKNOWN;
      const arg = args[index];
      values.push(arg ? this.eval(arg) : decl.initializer ? this.eval(decl.initializer) : UNKNOWN);
    }
    const objects = new Set(values.flatMap((v) => (v.k === 'object-of' ? [v.obj] : [])));
    if (objects.size > 1) {
      if (!this.#noted.has(decl)) {
        this.#noted.add(decl);
        const names = [...objects].map((o) => o.name).join(', ');
        this.#notes.push({
          node: decl,
          why: `parameter ${decl.name.text} is given ${objects.size} different apps or routers (${names}): what is registered on it is not listed`,
        });
      }
      return UNKNOWN;
    }
    const [first] = values;
    if (!first || values.some((v) => !sameValue(v, first))) return UNKNOWN;
    return first.k === 'object-of' || first.k === 'string' || first.k === 'regexp'
      ? first
      : UNKNOWN;
  }

  #imported(node: ts.ImportSpecifier | ts.ImportClause | ts.NamespaceImport): Value {
    const declaration = ts.isImportSpecifier(node)
      ? node.parent.parent.parent
      : ts.isImportClause(node)
        ? node.parent
        : node.parent.parent;
    const specifier = declaration.moduleSpecifier;
    if (!ts.isStringLiteral(specifier)) return UNKNOWN;
    const target = this.moduleValue(specifier.text, node.getSourceFile());
    if (target.k === 'ext') {
      if (ts.isImportSpecifier(node)) {
        const imported = (node.propertyName ?? node.name).text;
        return imported === 'default' ? target : { ...target, path: [imported] };
      }
      return target;
    }
    if (target.k !== 'module') return UNKNOWN;
    if (ts.isNamespaceImport(node)) return target;
    // The app's own ES module: the checker follows re-exports (barrels) to the declaration.
    const symbol = this.#ws.checker.getSymbolAtLocation(
      ts.isImportClause(node) ? node.name! : node.name,
    );
    if (!symbol) return UNKNOWN;
    const aliased =
      symbol.flags & ts.SymbolFlags.Alias ? this.#ws.checker.getAliasedSymbol(symbol) : symbol;
    const decl = aliased.declarations?.[0];
    if (!decl) return UNKNOWN;
    // `import x from './cjs.js'` of a CommonJS file: its module.exports.
    if (ts.isSourceFile(decl)) return this.#commonJsExports(decl) ?? { k: 'module', file: decl };
    return this.eval(decl);
  }

  /** `module.exports = x` in a CommonJS file, or undefined when it has none. */
  #commonJsExports(file: ts.SourceFile): Value | undefined {
    for (const statement of file.statements) {
      if (!ts.isExpressionStatement(statement)) continue;
      const e = statement.expression;
      if (ts.isBinaryExpression(e) && e.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        if (e.left.getText() === 'module.exports') return this.eval(e.right);
      }
    }
    return undefined;
  }

  /** A named export of the app's own module, CommonJS or ES. */
  #exported(file: ts.SourceFile, name: string): Value {
    for (const statement of file.statements) {
      if (!ts.isExpressionStatement(statement)) continue;
      const e = statement.expression;
      if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
      const target = e.left.getText();
      if (target === `module.exports.${name}` || target === `exports.${name}`)
        return this.eval(e.right);
    }
    const whole = this.#commonJsExports(file);
    if (whole) return this.member(whole, name);
    const moduleSymbol = this.#ws.checker.getSymbolAtLocation(file);
    if (!moduleSymbol) return UNKNOWN;
    const symbol = this.#ws.checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name);
    if (!symbol) return UNKNOWN;
    const aliased =
      symbol.flags & ts.SymbolFlags.Alias ? this.#ws.checker.getAliasedSymbol(symbol) : symbol;
    const decl = aliased.declarations?.[0];
    return decl ? this.eval(decl) : UNKNOWN;
  }

  member(of: Value, name: string): Value {
    switch (of.k) {
      case 'ext':
        // `multer(options).single` is still multer's: the package is what the report needs.
        return { ...of, path: [...of.path, name], called: false };
      case 'module':
        return this.#exported(of.file, name);
      case 'object': {
        for (const property of of.node.properties) {
          if (
            (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) &&
            propertyName(property.name) === name
          ) {
            return this.eval(property);
          }
          if (ts.isSpreadAssignment(property)) {
            const spread = this.eval(property.expression);
            const found = spread.k === 'object' ? this.member(spread, name) : UNKNOWN;
            if (found.k !== 'unknown') return found;
          }
        }
        return UNKNOWN;
      }
      default:
        return UNKNOWN;
    }
  }

  /** The values of an object literal's properties, in order (`Object.values`). */
  values(of: Value): Value[] {
    if (of.k !== 'object') return [];
    const out: Value[] = [];
    for (const property of of.node.properties) {
      if (ts.isPropertyAssignment(property) || ts.isShorthandPropertyAssignment(property)) {
        out.push(this.eval(property));
      } else if (ts.isSpreadAssignment(property)) {
        out.push(...this.values(this.eval(property.expression)));
      }
    }
    return out;
  }

  #call(node: ts.CallExpression): Value {
    const callee = node.expression;
    if (ts.isIdentifier(callee) && callee.text === 'require' && node.arguments.length === 1) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) {
        const target = this.moduleValue(arg.text, node.getSourceFile());
        if (target.k === 'module') return this.#commonJsExports(target.file) ?? target;
        return target;
      }
      return UNKNOWN;
    }
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      if (callee.expression.getText() === 'Object' && method === 'values' && node.arguments[0]) {
        return { k: 'array', items: this.values(this.eval(node.arguments[0])) };
      }
      const target = this.eval(callee.expression);
      if (target.k === 'string' && (method === 'replace' || method === 'replaceAll')) {
        return this.#replace(target, method, node.arguments);
      }
      if (target.k === 'object-of') {
        if (method === 'route' && node.arguments[0]) {
          return { k: 'route', owner: target.obj, path: node.arguments[0], node };
        }
        // app.use(…), app.get(…) return the app: chained calls register on it too.
        return target;
      }
      if (target.k === 'route') return target;
    }
    const fn = this.eval(callee);
    if (fn.k === 'ext') {
      if (fn.pkg === 'express' && !fn.called) {
        if (fn.path.length === 0) return this.#object('app', node);
        if (fn.path.join('.') === 'Router') return this.#object('router', node);
      }
      return fn.called ? UNKNOWN : { ...fn, called: true };
    }
    if (fn.k === 'function') return this.#returned(fn.node);
    return UNKNOWN;
  }

  #replace(
    target: Value & { k: 'string' },
    method: string,
    args: ts.NodeArray<ts.Expression>,
  ): Value {
    const [pattern, replacement] = args.map((arg) => this.eval(arg));
    if (!target.exact || replacement?.k !== 'string') return { ...target, exact: false };
    if (pattern?.k === 'string') {
      const value =
        method === 'replaceAll'
          ? target.value.replaceAll(pattern.value, replacement.value)
          : target.value.replace(pattern.value, replacement.value);
      return { k: 'string', value, exact: true };
    }
    if (pattern?.k === 'regexp') {
      const match = /^\/(.*)\/([a-z]*)$/s.exec(pattern.source);
      if (match) {
        try {
          const regexp = new RegExp(match[1]!, match[2]);
          return {
            k: 'string',
            value: target.value.replace(regexp, replacement.value),
            exact: true,
          };
        } catch {
          return { ...target, exact: false };
        }
      }
    }
    return { ...target, exact: false };
  }

  /** What a function of the app returns: its expression body, or its one (or last) return. */
  #returned(fn: ts.SignatureDeclaration & { body?: ts.Node }): Value {
    const body = fn.body;
    if (!body) return UNKNOWN;
    if (!ts.isBlock(body)) return this.eval(body);
    let result: Value = UNKNOWN;
    const visit = (node: ts.Node): void => {
      if (ts.isFunctionLike(node)) return;
      if (ts.isReturnStatement(node) && node.expression) {
        const value = this.eval(node.expression);
        if (value.k !== 'unknown') result = value;
        return;
      }
      ts.forEachChild(node, visit);
    };
    ts.forEachChild(body, visit);
    return result;
  }
}

/** Registrations, never calls of the app's own functions: the index skips them. */
const REGISTRATION = new Set(['get', 'post', 'put', 'delete', 'patch', 'use', 'all', 'param']);

function sameValue(a: Value, b: Value): boolean {
  if (a.k === 'object-of' && b.k === 'object-of') return a.obj === b.obj;
  if (a.k === 'string' && b.k === 'string') return a.value === b.value && a.exact && b.exact;
  if (a.k === 'regexp' && b.k === 'regexp') return a.source === b.source;
  return false;
}

export function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name))
    return name.text;
  return undefined;
}

/** The variable (or property) a creation call is assigned to. */
function nameOf(node: ts.Node): string | undefined {
  let parent = node.parent;
  while (parent && (ts.isParenthesizedExpression(parent) || ts.isAsExpression(parent))) {
    parent = parent.parent;
  }
  if (!parent) return undefined;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (ts.isPropertyAssignment(parent)) return propertyName(parent.name);
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
    return parent.left.getText();
  }
  return undefined;
}
