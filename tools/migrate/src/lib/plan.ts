import { FEATURES } from '@switchyard/feature-map';
import ts from 'typescript';
import type { Inventory, RouteEntry, UseEntry } from './inventory.js';
import type { Blocking, PlanStep } from './schema.js';
import type { ExpressObject, Evaluator } from './values.js';

type FunctionNode = ts.SignatureDeclaration & { body?: ts.Node };

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `res.locals.x = …` or `req.x = …` in a middleware's own body: state a later route reads. */
function writes(fn: FunctionNode): string[] {
  const out = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const text = node.left.getText().replace(/\[['"](\w+)['"]\]/g, '.$1');
      const [a, b] = fn.parameters;
      const req = a?.name.getText();
      const res = b?.name.getText();
      if (res && text.startsWith(`${res}.locals.`))
        out.add(`res.locals.${text.slice(res.length + 8)}`);
      else if (req && text.startsWith(`${req}.`) && text !== `${req}.url`)
        out.add(`req.${text.slice(req.length + 1)}`);
    }
    ts.forEachChild(node, visit);
  };
  if (fn.body) visit(fn.body);
  return [...out];
}

function contains(outer: ts.Node, start: { line: number }, line: number): boolean {
  const end = outer.getSourceFile().getLineAndCharacterOfPosition(outer.getEnd()).line + 1;
  return line >= start.line && line <= end;
}

interface Group {
  readonly label: string;
  readonly routes: Array<{ entry: RouteEntry; path: string }>;
  readonly owner: ExpressObject;
}

/**
 * Route groups in the order to move them behind the bridge (@fastify/express in front, one
 * group at a time): read-only groups first, then groups that write, then WebSocket upgrades;
 * within each, the group with the fewest blockers first. A blocker is what must move with the
 * group or be shared by both frameworks: app-level middleware from a package (a session, a
 * login), app-level code that fills `res.locals` or `req`, route middleware from a package, and
 * the blocking patterns inside its handlers.
 */
export function bridgePlan(
  inv: Inventory,
  ev: Evaluator,
  fullPaths: (entry: RouteEntry) => string[],
  blocking: readonly Blocking[],
): { shared: string[]; steps: PlanStep[] } {
  const groups = new Map<string, Group>();
  for (const entry of inv.routes) {
    const paths = fullPaths(entry);
    for (const path of paths.length > 0 ? paths : [entry.path]) {
      const mounted = inv.uses.some(
        (u) =>
          u.role === 'mount' &&
          u.piece.value.k === 'object-of' &&
          u.piece.value.obj === entry.owner,
      );
      // A router or a sub-app is a group; routes on the top-level app group by first segment.
      const label =
        entry.owner.kind === 'router' || mounted
          ? `${entry.owner.kind} ${entry.owner.name} (${entry.owner.id})`
          : `${path.split('/').slice(0, 2).join('/') || '/'} on app ${entry.owner.name} (${entry.owner.id})`;
      const group = groups.get(label) ?? { label, routes: [], owner: entry.owner };
      group.routes.push({ entry, path });
      groups.set(label, group);
    }
  }

  const rowFor = new Map<string, string>();
  for (const feature of FEATURES)
    for (const pkg of feature.packages) rowFor.set(pkg, feature.recipe);

  const appLevel = inv.uses.filter((u) => u.role === 'middleware' && u.owner.kind === 'app');
  const appBlockers: string[] = [];
  for (const use of appLevel) {
    const where = ev.location(use.node);
    if (use.pkg && use.pkg !== 'express') {
      const recipe = rowFor.get(use.pkg);
      appBlockers.push(
        `app-level ${use.piece.name} (${use.pkg}, ${where.file}:${where.line}) runs before every route${recipe ? `: docs/recipes/${recipe}` : ''}`,
      );
    } else if (use.piece.value.k === 'function') {
      const state = writes(use.piece.value.node);
      if (state.length > 0) {
        appBlockers.push(
          `${state.join(', ')} filled by app-level ${use.piece.name} (${where.file}:${where.line})`,
        );
      }
    }
  }

  const blockingByFile = new Map<string, Blocking[]>();
  for (const b of blocking) blockingByFile.set(b.file, [...(blockingByFile.get(b.file) ?? []), b]);

  const upgradeByFile = new Map<string, Inventory['upgrades'][number]>();
  for (const u of inv.upgrades) {
    if (u.kind === 'upgrade-listener') upgradeByFile.set(ev.location(u.node).file, u);
  }
  const attached = new Set<Inventory['upgrades'][number]>();

  const steps = [...groups.values()].map((group) => {
    const methods = group.routes.map((r) => r.entry.method);
    // A router made in the file that wires the upgrade is that WebSocket's HTTP side: they move
    // together, as one @fastify/websocket route answers both.
    const ownFile = ev.location(group.owner.node).file;
    const upgrade = group.owner.kind === 'router' ? upgradeByFile.get(ownFile) : undefined;
    if (upgrade) attached.add(upgrade);
    const kind: PlanStep['kind'] =
      methods.includes('WS') || upgrade
        ? 'upgrades'
        : methods.every((m) => READ_METHODS.has(m))
          ? 'read-only'
          : 'writes';
    const blockers: string[] = [];
    if (upgrade) {
      const where = ev.location(upgrade.node);
      blockers.push(
        `hand-wired 'upgrade' listener in the same file (${where.file}:${where.line}): becomes a @fastify/websocket route (docs/case-study.md#websocket)`,
      );
    }
    for (const param of inv.params) {
      if (group.routes.some((r) => r.path.split('/').includes(`:${param.param}`))) {
        const where = ev.location(param.node);
        blockers.push(
          `${param.owner.kind}.param('${param.param}') ${param.handler.name} (${where.file}:${where.line}) runs first: a preHandler hook in the group's plugin`,
        );
      }
    }
    for (const { entry } of group.routes) {
      for (const piece of entry.middleware) {
        if (piece.value.k === 'ext' && piece.value.pkg !== 'express') {
          const text = `route middleware ${piece.name} (${piece.value.pkg})`;
          if (!blockers.includes(text)) blockers.push(text);
        }
      }
      const handler = entry.handler.value;
      if (handler.k === 'function') {
        const start = ev.location(handler.node);
        for (const b of blockingByFile.get(start.file) ?? []) {
          if (contains(handler.node, start, b.line)) {
            const text = `${b.kind} at ${b.file}:${b.line} (${b.guide})`;
            if (!blockers.includes(text)) blockers.push(text);
          }
        }
      }
    }
    const prefix = commonPrefix(group.routes.map((r) => r.path));
    return {
      group:
        group.label.startsWith('router ') || group.label.startsWith('app ')
          ? `${prefix} — ${group.label}`
          : group.label,
      kind,
      routes: group.routes.map((r) => `${r.entry.method} ${r.path}`),
      blockers,
      first: ev.location(group.routes[0]!.entry.node),
    };
  });

  const upgradeListeners = inv.upgrades.filter(
    (u) => u.kind === 'upgrade-listener' && !attached.has(u),
  );
  for (const u of upgradeListeners) {
    const where = ev.location(u.node);
    steps.push({
      group: `'upgrade' listener (${where.file}:${where.line})`,
      kind: 'upgrades',
      routes: [],
      blockers: [
        `hand-wired upgrade: becomes a @fastify/websocket route (docs/case-study.md#websocket)`,
      ],
      first: where,
    });
  }

  const rank = { 'read-only': 0, writes: 1, upgrades: 2 } as const;
  steps.sort(
    (a, b) =>
      rank[a.kind] - rank[b.kind] ||
      a.blockers.length - b.blockers.length ||
      (a.first.file === b.first.file
        ? a.first.line - b.first.line
        : a.first.file < b.first.file
          ? -1
          : 1),
  );
  return {
    shared: appBlockers,
    steps: steps.map(({ first: _first, ...step }, index) => ({ step: index + 1, ...step })),
  };
}

/** The longest run of whole path segments every path starts with: `/v1/bots…` → `/v1`. */
function commonPrefix(paths: readonly string[]): string {
  const split = paths.map((p) => p.split('/'));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n] && !s[n]?.startsWith(':'))) n++;
  return first.slice(0, n).join('/') || '/';
}

export type { UseEntry };
