import ts from 'typescript';
import type { Workspace } from './program.js';
import { type ExpressObject, type Evaluator, type Value } from './values.js';

export const HTTP_METHODS = new Set([
  'get',
  'post',
  'put',
  'delete',
  'patch',
  'options',
  'head',
  'all',
]);
const REGISTRATION_METHODS = new Set([...HTTP_METHODS, 'use', 'param', 'ws']);
const LISTENER_METHODS = new Set(['on', 'once', 'addListener', 'prependListener']);

/** One argument of a registration, after spreads and arrays are opened. */
export interface Piece {
  readonly name: string;
  readonly value: Value;
  /** The argument it came from, for its location. */
  readonly node: ts.Node;
}

export interface RouteEntry {
  readonly owner: ExpressObject;
  readonly method: string;
  readonly path: string;
  readonly exact: boolean;
  readonly middleware: readonly Piece[];
  readonly handler: Piece;
  readonly node: ts.Node;
  readonly seq: number;
}

export interface UseEntry {
  readonly owner: ExpressObject;
  readonly path: string | null;
  readonly piece: Piece;
  readonly role: 'mount' | 'middleware' | 'error-handler';
  /** Its package, when the middleware comes from one. */
  readonly pkg: string | null;
  readonly node: ts.Node;
  /** Order among the owner's registrations (routes, uses, mounts), for the 404. */
  readonly seq: number;
}

export interface ParamEntry {
  readonly owner: ExpressObject;
  readonly param: string;
  readonly handler: Piece;
  readonly node: ts.Node;
}

export interface UpgradeEntry {
  readonly kind: 'upgrade-listener' | 'ws-server' | 'express-ws';
  readonly detail: string;
  readonly node: ts.Node;
}

export interface NotAnalysedEntry {
  readonly node: ts.Node;
  readonly why: string;
}

/** What pass 1 finds: every registration on an app or a router. */
export interface Inventory {
  readonly routes: RouteEntry[];
  readonly uses: UseEntry[];
  readonly params: ParamEntry[];
  readonly upgrades: UpgradeEntry[];
  readonly notAnalysed: NotAnalysedEntry[];
  /** Functions the app registers as handlers, and which of their parameters is req, res. */
  readonly handlerParams: Map<ts.ParameterDeclaration, 'req' | 'res'>;
  /** Position of each registration among its owner's, in source order. */
  readonly lastSeq: Map<ExpressObject, number>;
}

function shortText(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** A middleware or handler as the report names it. */
export function nameOf(node: ts.Node): string {
  if (ts.isSpreadElement(node)) return `...${nameOf(node.expression)}`;
  if (ts.isCallExpression(node)) return `${shortText(node.expression)}()`;
  if (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) {
    return node.name ? node.name.text : 'inline function';
  }
  return shortText(node);
}

/** A Value as a middleware name, when it came out of an opened spread or array. */
function nameOfValue(value: Value, fallback: string): string {
  if (value.k === 'object-of') return value.obj.name;
  if (value.k === 'function' && value.node.name && ts.isIdentifier(value.node.name)) {
    return value.node.name.text;
  }
  if (value.k === 'ext')
    return `${[value.pkg, ...value.path].join('.')}${value.called ? '()' : ''}`;
  return fallback;
}

export function buildInventory(ws: Workspace, ev: Evaluator): Inventory {
  const inv: Inventory = {
    routes: [],
    uses: [],
    params: [],
    upgrades: [],
    notAnalysed: [],
    handlerParams: new Map(),
    lastSeq: new Map(),
  };
  // Where a registration runs among its owner's: its place in the files, or, on an app handed to
  // a function (`require('./routes')(app)`), the place of that call, then its own order there.
  const fileIndex = new Map(ws.files.map((file, i) => [file, i]));
  const place = (node: ts.Node) =>
    (fileIndex.get(node.getSourceFile()) ?? ws.files.length) * 1e10 + node.getStart() * 100;
  const underCall = new Map<ts.Node, number>();
  const seq = (owner: ExpressObject, call: ts.CallExpression): number => {
    const callee = call.expression;
    const receiver = ts.isPropertyAccessExpression(callee) ? callee.expression : undefined;
    const anchor = receiver ? ev.callSiteOf(receiver, owner) : undefined;
    let at: number;
    if (anchor) {
      const n = Math.min((underCall.get(anchor) ?? 0) + 1, 99);
      underCall.set(anchor, n);
      at = place(anchor) + n;
    } else {
      at = place(ts.isPropertyAccessExpression(callee) ? callee.name : call);
    }
    inv.lastSeq.set(owner, Math.max(inv.lastSeq.get(owner) ?? 0, at));
    return at;
  };

  const markHandler = (value: Value, errorHandler: boolean): void => {
    if (value.k !== 'function') return;
    const fn = value.node;
    if (!ws.isScanned(fn.getSourceFile().fileName)) return;
    const [a, b] = errorHandler
      ? [fn.parameters[1], fn.parameters[2]]
      : [fn.parameters[0], fn.parameters[1]];
    if (a) inv.handlerParams.set(a, 'req');
    if (b) inv.handlerParams.set(b, 'res');
  };

  /** Opens spreads and arrays: `app.use(...routers)`, `app.use([a, b])`. */
  const pieces = (args: readonly ts.Expression[]): Piece[] => {
    const out: Piece[] = [];
    for (const arg of args) {
      const value = ev.eval(ts.isSpreadElement(arg) ? arg.expression : arg);
      if (value.k === 'array' && value.items.every((item) => item.k !== 'unknown')) {
        for (const item of value.items)
          out.push({ name: nameOfValue(item, nameOf(arg)), value: item, node: arg });
      } else {
        out.push({ name: nameOf(arg), value, node: arg });
      }
    }
    return out;
  };

  /** A path argument: one string, a regexp, or several of them. */
  const pathsOf = (node: ts.Expression): { path: string; exact: boolean }[] | undefined => {
    const value = ev.eval(node);
    if (value.k === 'string') return [{ path: value.value, exact: value.exact }];
    if (value.k === 'regexp') return [{ path: value.source, exact: true }];
    if (value.k === 'array' && value.items.length > 0) {
      const all = value.items.map((item) =>
        item.k === 'string' ? { path: item.value, exact: item.exact } : undefined,
      );
      if (all.every((p) => p !== undefined)) return all as { path: string; exact: boolean }[];
    }
    return undefined;
  };

  /**
   * `for (const file of FILES) router.get(\`/static/${file}\`, …)` over a constant list of
   * strings: one path per item. Only a template whose one variable part is the loop's variable.
   */
  const loopPaths = (node: ts.Expression): { path: string; exact: boolean }[] | undefined => {
    if (!ts.isTemplateExpression(node)) return undefined;
    let loopVar: ts.Identifier | undefined;
    let items: Value[] | undefined;
    for (const span of node.templateSpans) {
      const e = span.expression;
      if (!ts.isIdentifier(e)) continue;
      const decl = ws.checker.getSymbolAtLocation(e)?.declarations?.[0];
      const list = decl?.parent;
      const loop = list?.parent;
      if (
        decl &&
        ts.isVariableDeclaration(decl) &&
        list &&
        ts.isVariableDeclarationList(list) &&
        loop &&
        ts.isForOfStatement(loop) &&
        !loop.awaitModifier
      ) {
        const iterable = ev.eval(loop.expression);
        if (iterable.k !== 'array' || loopVar) return undefined;
        loopVar = e;
        items = [...iterable.items];
      }
    }
    if (!loopVar || !items || !items.every((item) => item.k === 'string' && item.exact)) {
      return undefined;
    }
    const name = loopVar.text;
    return items.map((item) => {
      let path = node.head.text;
      let exact = true;
      for (const span of node.templateSpans) {
        const e = span.expression;
        const part = ts.isIdentifier(e) && e.text === name ? item : ev.eval(e);
        if (part.k === 'string') {
          path += part.value;
          exact &&= part.exact;
        } else {
          path += `\${${e.getText()}}`;
          exact = false;
        }
        path += span.literal.text;
      }
      return { path, exact };
    });
  };

  const isFunctionLike = (value: Value): boolean =>
    value.k === 'function' || value.k === 'ext' || value.k === 'unknown';

  const addRoute = (
    owner: ExpressObject,
    method: string,
    pathNode: ts.Expression | undefined,
    handlerArgs: readonly ts.Expression[],
    call: ts.CallExpression,
  ): void => {
    const chain = pieces(handlerArgs);
    const handler = chain.pop();
    if (!handler) return;
    let paths = pathNode
      ? (loopPaths(pathNode) ?? pathsOf(pathNode))
      : [{ path: '/', exact: true }];
    if (!paths) {
      inv.notAnalysed.push({
        node: pathNode!,
        why: `route path is not a constant: ${shortText(pathNode!)}`,
      });
      paths = [{ path: `\${${shortText(pathNode!)}}`, exact: false }];
    }
    for (const { path, exact } of paths) {
      if (!exact && paths.length > 0 && pathNode && pathsOf(pathNode) !== undefined) {
        inv.notAnalysed.push({
          node: pathNode!,
          why: `route path is partly not a constant: ${path}`,
        });
      }
    }
    chain.forEach((piece) => markHandler(piece.value, false));
    markHandler(handler.value, false);
    for (const { path, exact } of paths) {
      inv.routes.push({
        owner,
        method: method.toUpperCase(),
        path,
        exact,
        middleware: chain,
        handler,
        node: ts.isPropertyAccessExpression(call.expression) ? call.expression.name : call,
        seq: seq(owner, call),
      });
    }
  };

  const register = (call: ts.CallExpression, target: Value, method: string): void => {
    const args = [...call.arguments];
    if (target.k === 'route') {
      if (HTTP_METHODS.has(method)) addRoute(target.owner, method, target.path, args, call);
      return;
    }
    if (target.k !== 'object-of') return;
    const owner = target.obj;
    if (method === 'param') {
      const [name, handler] = args;
      const param = name ? ev.eval(name) : undefined;
      if (!handler || param?.k !== 'string') {
        inv.notAnalysed.push({ node: call, why: 'param name is not a constant' });
        return;
      }
      const [piece] = pieces([handler]);
      markHandler(piece!.value, false);
      inv.params.push({ owner, param: param.value, handler: piece!, node: call });
      return;
    }
    if (method === 'ws') {
      addRoute(owner, 'WS', args[0], args.slice(1), call);
      inv.upgrades.push({
        kind: 'express-ws',
        detail: `${owner.name}.ws(${args[0] ? shortText(args[0]) : ''})`,
        node: call,
      });
      return;
    }
    if (HTTP_METHODS.has(method)) {
      // app.get('env') reads a setting: a route has a path and a handler.
      if (args.length < 2) return;
      addRoute(owner, method, args[0], args.slice(1), call);
      return;
    }
    // use([path], ...middleware)
    let path: string | null = null;
    let rest = args;
    const first = args[0];
    if (first) {
      const paths = pathsOf(first);
      if (paths) {
        path = paths.map((p) => p.path).join(', ');
        rest = args.slice(1);
      } else if (
        !ts.isSpreadElement(first) &&
        (!isFunctionLike(ev.eval(first)) ||
          (ev.eval(first).k === 'unknown' &&
            args.length > 1 &&
            !ts.isCallExpression(first) &&
            !ts.isFunctionLike(first)))
      ) {
        inv.notAnalysed.push({
          node: first,
          why: `use() path is not a constant: ${shortText(first)}`,
        });
        path = `\${${shortText(first)}}`;
        rest = args.slice(1);
      }
    }
    for (const piece of pieces(rest)) {
      const value = piece.value;
      if (value.k === 'object-of') {
        inv.uses.push({
          owner,
          path,
          piece,
          role: 'mount',
          pkg: null,
          node: piece.node,
          seq: seq(owner, call),
        });
        continue;
      }
      const errorHandler = value.k === 'function' && value.node.parameters.length === 4;
      markHandler(value, errorHandler);
      inv.uses.push({
        owner,
        path,
        piece,
        role: errorHandler ? 'error-handler' : 'middleware',
        pkg: value.k === 'ext' ? value.pkg : null,
        node: piece.node,
        seq: seq(owner, call),
      });
    }
  };

  const visit = (node: ts.Node): void => {
    // Children first: in `router.route(p).get(a).post(b)` the get is registered before the post.
    ts.forEachChild(node, visit);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      if (REGISTRATION_METHODS.has(method)) {
        const target = ev.eval(node.expression.expression);
        if (target.k === 'object-of' || target.k === 'route') register(node, target, method);
      } else if (LISTENER_METHODS.has(method)) {
        const [event] = node.arguments;
        if (event && ts.isStringLiteralLike(event) && event.text === 'upgrade') {
          inv.upgrades.push({
            kind: 'upgrade-listener',
            detail: `${shortText(node.expression.expression)}.${method}('upgrade')`,
            node,
          });
        }
      }
    } else if (ts.isCallExpression(node) && ts.isElementAccessExpression(node.expression)) {
      const key = node.expression.argumentExpression;
      const target = ev.eval(node.expression.expression);
      if ((target.k === 'object-of' || target.k === 'route') && !ts.isStringLiteralLike(key)) {
        inv.notAnalysed.push({
          node,
          why: `computed method ${shortText(node.expression)}(): its routes are not listed`,
        });
      }
    } else if (ts.isNewExpression(node)) {
      const callee = ev.eval(node.expression);
      if (
        callee.k === 'ext' &&
        callee.pkg === 'ws' &&
        ['WebSocketServer', 'Server'].includes(callee.path.at(-1) ?? '')
      ) {
        const options = node.arguments?.[0];
        const text = options ? shortText(options) : '';
        const how = /\bnoServer\s*:\s*true/.test(text)
          ? 'noServer: upgrades handed to it by hand'
          : /\bserver\b/.test(text)
            ? 'attached to the HTTP server'
            : 'own port';
        inv.upgrades.push({
          kind: 'ws-server',
          detail: `new ${shortText(node.expression)} (${how})`,
          node,
        });
      }
    }
  };

  for (const file of ws.files) {
    const syntax = ws.program.getSyntacticDiagnostics(file);
    if (syntax.length > 0) {
      const first = syntax[0]!;
      const message = ts.flattenDiagnosticMessageText(first.messageText, ' ');
      inv.notAnalysed.push({
        node: first.start !== undefined ? nodeAt(file, first.start) : file,
        why: `syntax error, file skipped: ${message}`,
      });
      continue;
    }
    const before = {
      routes: inv.routes.length,
      uses: inv.uses.length,
      params: inv.params.length,
      upgrades: inv.upgrades.length,
      notAnalysed: inv.notAnalysed.length,
    };
    try {
      visit(file);
    } catch (error) {
      // Nesting deeper than the stack, say: the file is reported, never the scan lost.
      inv.routes.length = before.routes;
      inv.uses.length = before.uses;
      inv.params.length = before.params;
      inv.upgrades.length = before.upgrades;
      inv.notAnalysed.length = before.notAnalysed;
      inv.notAnalysed.push({ node: file, why: unfollowed(error) });
    }
  }
  return inv;
}

export const UNFOLLOWED = 'the scanner could not follow this file';

/** Why a file was given up on, for "not analysed". */
export function unfollowed(error: unknown): string {
  return `${UNFOLLOWED}, file skipped: ${error instanceof Error ? error.message : String(error)}`;
}

/** The innermost node at a position, for a location to report. */
function nodeAt(file: ts.SourceFile, pos: number): ts.Node {
  try {
    return innermost(file, pos);
  } catch {
    return file;
  }
}

function innermost(file: ts.SourceFile, pos: number): ts.Node {
  let found: ts.Node = file;
  const visit = (node: ts.Node): void => {
    if (node.getStart(file) <= pos && pos < node.getEnd()) {
      found = node;
      ts.forEachChild(node, visit);
    }
  };
  ts.forEachChild(file, visit);
  return found;
}

/** Whether a syntax error made the scan skip this file. */
export function skippedFiles(inv: Inventory): Set<ts.SourceFile> {
  return new Set(
    inv.notAnalysed
      .filter((n) => n.why.startsWith('syntax error') || n.why.startsWith(UNFOLLOWED))
      .map((n) => n.node.getSourceFile()),
  );
}
