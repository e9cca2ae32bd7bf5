import ts from 'typescript';
import { visitFiles, type Workspace } from './program.js';
import { GUIDE } from './guide.js';
import type { Blocking, BlockingKind } from './schema.js';
import type { Evaluator, Value } from './values.js';

const TITLE: Readonly<Record<BlockingKind, string>> = {
  'sync-crypto': 'synchronous crypto on the event loop',
  'sync-io': 'synchronous fs, zlib or child_process call',
  'await-in-loop': 'await inside a loop: one call after another',
  'buffered-proxy': 'buffered proxy: the whole upstream body read, then sent',
  upgrade: "hand-wired 'upgrade' listener",
  'dynamic-import': 'a module loaded by a computed name on the request path',
};

const CRYPTO_SYNC = new Set(['scryptSync', 'pbkdf2Sync', 'generateKeyPairSync']);
const BCRYPT_SYNC = new Set(['hashSync', 'compareSync', 'genSaltSync']);
const IO_PACKAGES = new Set(['fs', 'zlib', 'child_process']);
/** HTTP clients whose awaited result holds an upstream response. */
const HTTP_CLIENTS = new Set(['fetch', 'undici', 'axios', 'got', 'node-fetch', 'superagent']);
/** Methods that read a whole response body into memory. */
const BODY_READERS = new Set(['text', 'json', 'arrayBuffer', 'blob', 'buffer', 'bytes']);
const SENDS = new Set(['send', 'end', 'json', 'write']);

type FunctionNode = ts.SignatureDeclaration & { body?: ts.Node };

/** The blocking kind of a call to a package's export, if it is one. */
function syncKind(value: Value): BlockingKind | undefined {
  if (value.k !== 'ext' || value.called) return undefined;
  const name = value.path.at(-1);
  if (!name) return undefined;
  if (value.pkg === 'crypto' && CRYPTO_SYNC.has(name)) return 'sync-crypto';
  if ((value.pkg === 'bcrypt' || value.pkg === 'bcryptjs') && BCRYPT_SYNC.has(name))
    return 'sync-crypto';
  if (IO_PACKAGES.has(value.pkg) && name.endsWith('Sync')) return 'sync-io';
  return undefined;
}

interface Site {
  readonly call: string;
  readonly file: string;
  readonly line: number;
}

function enclosingFunction(node: ts.Node): FunctionNode | undefined {
  for (let n = node.parent; n; n = n.parent) {
    if (ts.isFunctionLike(n)) return n as FunctionNode;
  }
  return undefined;
}

/** Array methods that call their callback at once, before they return. */
const CALLS_AT_ONCE = new Set([
  'map',
  'forEach',
  'filter',
  'flatMap',
  'reduce',
  'some',
  'every',
  'find',
]);

/**
 * Whether code runs after start-up: inside a function, unless each function around it is one
 * that module-level code calls at once (an IIFE, an array method's callback), which runs while
 * the module loads.
 */
function afterStartup(node: ts.Node): boolean {
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    let outer: ts.Node = fn;
    while (ts.isParenthesizedExpression(outer.parent)) outer = outer.parent;
    const call = outer.parent;
    const atOnce =
      ts.isCallExpression(call) &&
      (call.expression === outer ||
        (call.arguments.includes(outer as ts.Expression) &&
          ts.isPropertyAccessExpression(call.expression) &&
          CALLS_AT_ONCE.has(call.expression.name.text)));
    if (!atOnce) return true;
  }
  return false;
}

/** The statement of the file a node is in: findings in one declaration are one finding. */
function topStatement(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isSourceFile(n.parent)) n = n.parent;
  return n;
}

function calleeName(call: ts.CallExpression): string {
  const callee = call.expression;
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : callee.getText();
}

/** The identifier a value is assigned to: `const x = await …` or `x = await …`. */
function assignedSymbol(node: ts.Node, checker: ts.TypeChecker): ts.Symbol | undefined {
  let parent = node.parent;
  while (parent && ts.isParenthesizedExpression(parent)) parent = parent.parent;
  if (!parent) return undefined;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    return checker.getSymbolAtLocation(parent.name);
  }
  if (
    ts.isBinaryExpression(parent) &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    ts.isIdentifier(parent.left)
  ) {
    return checker.getSymbolAtLocation(parent.left);
  }
  return undefined;
}

function mentions(
  node: ts.Node,
  symbols: ReadonlySet<ts.Symbol>,
  checker: ts.TypeChecker,
): boolean {
  if (ts.isIdentifier(node)) {
    const symbol = checker.getSymbolAtLocation(node);
    return symbol !== undefined && symbols.has(symbol);
  }
  return ts.forEachChild(node, (child) => mentions(child, symbols, checker) || undefined) ?? false;
}

/**
 * Pass 2: the blocking patterns in the app's functions. Module-level code runs once at start-up,
 * so only code inside a function counts (not a callback module-level code calls at once); an 'upgrade' listener counts wherever it is wired.
 * A call into a function outside the directory (a workspace library) is followed, up to three
 * calls deep, and reported at the app's call site.
 */
export function findBlocking(
  ws: Workspace,
  ev: Evaluator,
  skipped: ReadonlySet<ts.SourceFile>,
  upgradeNodes: readonly ts.Node[],
  onError: (file: ts.SourceFile, error: unknown) => void,
): Blocking[] {
  const { checker } = ws;
  const grouped = new Map<
    string,
    { kind: BlockingKind; node: ts.Node; detail: string; sites: Site[] }
  >();
  const add = (
    kind: BlockingKind,
    group: ts.Node,
    node: ts.Node,
    detail: string,
    sites: Site[],
  ) => {
    const { file, line } = ev.location(group);
    const key = `${kind}\0${file}\0${line}`;
    const known = grouped.get(key);
    if (known) known.sites.push(...sites);
    else grouped.set(key, { kind, node, detail, sites: [...sites] });
  };
  const site = (call: ts.CallExpression | ts.Node, name: string): Site => ({
    call: name,
    ...ev.location(call),
  });

  /** The sync calls a function outside the directory makes, itself or through others. */
  const outside = new Map<ts.Node, { kind: BlockingKind; sites: Site[] } | null>();
  const followOutside = (
    fn: FunctionNode,
    depth: number,
  ): { kind: BlockingKind; sites: Site[] } | null => {
    const known = outside.get(fn);
    if (known !== undefined) return known;
    outside.set(fn, null);
    let found: { kind: BlockingKind; sites: Site[] } | null = null;
    const visit = (node: ts.Node): void => {
      if (found) return;
      if (ts.isCallExpression(node)) {
        const callee = ev.eval(node.expression);
        const kind = syncKind(callee);
        if (kind) {
          found = { kind, sites: [site(node, calleeName(node))] };
          return;
        }
        if (
          depth < 3 &&
          callee.k === 'function' &&
          !callee.node.getSourceFile().isDeclarationFile
        ) {
          const inner = followOutside(callee.node, depth + 1);
          if (inner) {
            found = { kind: inner.kind, sites: [site(node, calleeName(node)), ...inner.sites] };
            return;
          }
        }
      }
      if (ts.isFunctionLike(node) && node !== fn) return;
      ts.forEachChild(node, visit);
    };
    if (fn.body) visit(fn.body);
    outside.set(fn, found);
    return found;
  };

  /** Functions holding an awaited upstream response, and the variables that hold it. */
  const upstreams = new Map<FunctionNode, Set<ts.Symbol>>();

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && afterStartup(node)) {
      const callee = ev.eval(node.expression);
      const kind = syncKind(callee);
      if (kind) {
        const name = calleeName(node);
        add(kind, topStatement(node), node, `${name}()`, [site(node, name)]);
      } else if (
        callee.k === 'function' &&
        !ws.isScanned(callee.node.getSourceFile().fileName) &&
        !callee.node.getSourceFile().isDeclarationFile
      ) {
        const inner = followOutside(callee.node, 1);
        if (inner) {
          const name = calleeName(node);
          const chain = [name, ...inner.sites.slice(1).map((s) => s.call)].join(' → ');
          add(inner.kind, topStatement(node), node, `${chain}()`, [
            site(node, name),
            ...inner.sites,
          ]);
        }
      }
    }
    if (isComputedLoad(node) && afterStartup(node)) {
      // `import(\`./bots/${name}.js\`)` in a handler: each new name is a module resolved, read
      // and compiled while that request waits (the cold start a keyed registry removes).
      const call = node as ts.CallExpression;
      add('dynamic-import', topStatement(node), node, `${short(call)} with a computed name`, [
        site(node, short(call.expression)),
      ]);
    }
    if (ts.isAwaitExpression(node)) {
      const fn = enclosingFunction(node);
      if (fn) {
        const loop = outermostLoop(node, fn);
        if (loop && !inOrderByDesign(node, loop, ev, checker))
          add('await-in-loop', loop, loop, 'await inside a loop', [
            site(node, `await ${short(node.expression)}`),
          ]);
        const operand = unwrap(node.expression);
        if (ts.isCallExpression(operand)) {
          const client = ev.eval(operand.expression);
          if (client.k === 'ext' && HTTP_CLIENTS.has(client.pkg)) {
            const symbol = assignedSymbol(node, checker);
            if (symbol) {
              const held = upstreams.get(fn) ?? new Set();
              held.add(symbol);
              upstreams.set(fn, held);
            }
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visitFiles(ws, skipped, onError, visit);

  for (const [fn, held] of upstreams) {
    const buffered = new Set<ts.Symbol>();
    let read: ts.Node | undefined;
    const scan = (node: ts.Node): void => {
      if (ts.isAwaitExpression(node) && mentions(node.expression, held, checker)) {
        const operand = unwrap(node.expression);
        const reads =
          ts.isCallExpression(operand) &&
          (!ts.isPropertyAccessExpression(operand.expression) ||
            BODY_READERS.has(operand.expression.name.text));
        const symbol = assignedSymbol(node, checker);
        if (reads && symbol && !held.has(symbol)) {
          buffered.add(symbol);
          read ??= node;
        }
      }
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        SENDS.has(node.expression.name.text) &&
        buffered.size > 0 &&
        node.arguments.some((arg) => mentions(arg, buffered, checker))
      ) {
        add(
          'buffered-proxy',
          read!,
          read!,
          `the upstream body is awaited whole, then ${calleeName(node)}()`,
          [
            site(read!, `await ${short((read as ts.AwaitExpression).expression)}`),
            site(node, calleeName(node)),
          ],
        );
      }
      ts.forEachChild(node, scan);
    };
    try {
      if (fn.body) scan(fn.body);
    } catch (error) {
      onError(fn.getSourceFile(), error);
    }
  }

  for (const node of upgradeNodes) {
    add('upgrade', node, node, "the HTTP server's 'upgrade' event handled by hand", [
      site(node, short(node)),
    ]);
  }

  return [...grouped.values()]
    .map(({ kind, node, detail, sites }) => ({
      kind,
      title: TITLE[kind],
      ...ev.location(node),
      detail,
      sites,
      guide: GUIDE[kind],
    }))
    .sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
}

/** `import(x)` or `require(x)` whose name is not a constant. */
function isComputedLoad(node: ts.Node): boolean {
  if (!ts.isCallExpression(node) || node.arguments.length === 0) return false;
  const loader =
    node.expression.kind === ts.SyntaxKind.ImportKeyword ||
    (ts.isIdentifier(node.expression) && node.expression.text === 'require');
  const [name] = node.arguments;
  return loader && name !== undefined && !ts.isStringLiteralLike(name);
}

function unwrap(node: ts.Expression): ts.Expression {
  let n = node;
  while (ts.isParenthesizedExpression(n) || ts.isNonNullExpression(n) || ts.isAsExpression(n))
    n = n.expression;
  return n;
}

function short(node: ts.Node): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > 50 ? `${text.slice(0, 47)}...` : text;
}

/** The outermost loop between an await and its function; a `for await` reads a stream: not one. */
function outermostLoop(node: ts.Node, fn: ts.Node): ts.Node | undefined {
  let loop: ts.Node | undefined;
  for (let n = node.parent; n && n !== fn; n = n.parent) {
    if (ts.isForOfStatement(n) && n.awaitModifier) return loop;
    if (
      ts.isForStatement(n) ||
      ts.isForOfStatement(n) ||
      ts.isForInStatement(n) ||
      ts.isWhileStatement(n) ||
      ts.isDoStatement(n)
    ) {
      // The iterable of a for-of is evaluated once, before the loop.
      if (ts.isForOfStatement(n) && isWithin(node, n.expression)) continue;
      loop = n;
    }
  }
  return loop;
}

/**
 * An await in a loop that must run one call after another, so no fan-out to make concurrent:
 * a deliberate wait (`await setTimeout(ms)` from timers/promises, or a `sleep` that wraps
 * setTimeout in a promise), a call that takes what the previous turn assigned (a cursor, the
 * last result), the body of a response this turn awaited, or an await the loop stops after
 * (`return await`, then `break`: a retry).
 */
function inOrderByDesign(
  node: ts.AwaitExpression,
  loop: ts.Node,
  ev: Evaluator,
  checker: ts.TypeChecker,
): boolean {
  const operand = unwrap(node.expression);
  if (ts.isCallExpression(operand)) {
    if (isDelay(ev.eval(operand.expression))) return true;
    // `await page.json()` after `const page = await fetch(…)` in the same turn: that call's body.
    const callee = operand.expression;
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
      const decl = checker.getSymbolAtLocation(callee.expression)?.declarations?.[0];
      if (
        decl &&
        ts.isVariableDeclaration(decl) &&
        decl.initializer &&
        ts.isAwaitExpression(unwrap(decl.initializer)) &&
        isWithin(decl, loopBody(loop))
      ) {
        return true;
      }
    }
    const assigned = assignedIn(loopBody(loop), checker);
    if (operand.arguments.some((arg) => mentions(arg, assigned, checker))) return true;
  }
  for (let n: ts.Node = node; n !== loop; n = n.parent) {
    if (ts.isReturnStatement(n)) return true;
    const block = n.parent;
    if (ts.isBlock(block) && ts.isStatement(n)) {
      const next = block.statements[block.statements.indexOf(n) + 1];
      if (next && (ts.isBreakStatement(next) || ts.isReturnStatement(next))) return true;
    }
  }
  return false;
}

const TIMERS = new Set(['setTimeout', 'setImmediate', 'wait']);

function isDelay(callee: Value): boolean {
  if (callee.k === 'ext') return callee.pkg === 'timers' && TIMERS.has(callee.path.at(-1) ?? '');
  if (callee.k !== 'function' || !callee.node.body) return false;
  // `const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))`, or its block form.
  const body = callee.node.body;
  const returned = ts.isBlock(body)
    ? body.statements.length === 1 && ts.isReturnStatement(body.statements[0]!)
      ? body.statements[0].expression
      : undefined
    : body;
  return (
    returned !== undefined &&
    ts.isNewExpression(returned) &&
    returned.expression.getText() === 'Promise' &&
    /\bsetTimeout\s*\(/.test(returned.getText())
  );
}

function loopBody(loop: ts.Node): ts.Node {
  return ts.isIterationStatement(loop, false) ? loop.statement : loop;
}

/** The variables a loop's body assigns (`x = …`, `x += …`, `x++`), not its own loop variable. */
function assignedIn(body: ts.Node, checker: ts.TypeChecker): Set<ts.Symbol> {
  const out = new Set<ts.Symbol>();
  const add = (target: ts.Expression) => {
    if (!ts.isIdentifier(target)) return;
    const symbol = checker.getSymbolAtLocation(target);
    if (symbol) out.add(symbol);
  };
  const visit = (n: ts.Node): void => {
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
      n.operatorToken.kind <= ts.SyntaxKind.LastAssignment
    ) {
      add(n.left);
    } else if (
      (ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
      (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)
    ) {
      add(n.operand);
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return out;
}

function isWithin(node: ts.Node, container: ts.Node): boolean {
  return node.pos >= container.pos && node.end <= container.end;
}
