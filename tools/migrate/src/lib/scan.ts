import { findBlocking } from './blocking.js';
import type ts from 'typescript';
import {
  buildInventory,
  skippedFiles,
  unfollowed,
  type RouteEntry,
  type UseEntry,
} from './inventory.js';
import { bridgePlan } from './plan.js';
import { openWorkspace } from './program.js';
import { findReplacements, unknownPackages } from './replace.js';
import { SCHEMA_VERSION, type Report } from './schema.js';
import { Evaluator, type ExpressObject } from './values.js';

export interface ScanOptions {
  /** Extra export conditions for resolving imports (a workspace's source condition). */
  readonly conditions?: readonly string[];
}

/** `/v1` + `/bots` → `/v1/bots`; a router's `/` under `/v1` is `/v1`. */
export function joinPath(prefix: string, path: string): string {
  const head = prefix === '/' ? '' : prefix.replace(/\/$/, '');
  if (path === '/' || path === '') return head || '/';
  return `${head}${path.startsWith('/') ? '' : '/'}${path}`;
}

const byPlace = (a: { file: string; line: number }, b: { file: string; line: number }) =>
  a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1;

/** Reads the Express app under `dir` and builds the report; never runs its code. */
export function scan(dir: string, options: ScanOptions = {}): Report {
  const ws = openWorkspace(dir, options.conditions);
  const ev = new Evaluator(ws);
  ev.bindCalls();
  const inv = buildInventory(ws, ev);
  const skipped = skippedFiles(inv);

  const mounts = new Map<ExpressObject, UseEntry[]>();
  for (const use of inv.uses) {
    if (use.role !== 'mount' || use.piece.value.k !== 'object-of') continue;
    const child = use.piece.value.obj;
    mounts.set(child, [...(mounts.get(child) ?? []), use]);
  }
  const prefixes = (obj: ExpressObject, seen: ReadonlySet<ExpressObject> = new Set()): string[] => {
    const above = mounts.get(obj);
    if (!above) return obj.kind === 'app' ? [''] : [];
    if (seen.has(obj)) return [];
    const next = new Set([...seen, obj]);
    return above.flatMap((use) =>
      prefixes(use.owner, next).flatMap((p) =>
        (use.path ?? '').split(', ').map((own) => (own ? joinPath(p, own) : p)),
      ),
    );
  };
  const fullPaths = (entry: RouteEntry): string[] => [
    ...new Set(prefixes(entry.owner).map((p) => joinPath(p, entry.path))),
  ];

  // The 404: the last middleware of a top-level app, after every route and mount, own code.
  const notFound = new Set<UseEntry>();
  for (const obj of ev.objects()) {
    if (obj.kind !== 'app' || mounts.has(obj)) continue;
    const own = inv.uses.filter((u) => u.owner === obj);
    const last = own.reduce<UseEntry | undefined>(
      (latest, use) => (latest && latest.seq > use.seq ? latest : use),
      undefined,
    );
    const lastRoute = Math.max(
      0,
      ...inv.routes.filter((r) => r.owner === obj).map((r) => r.seq),
      ...own.filter((u) => u.role === 'mount').map((u) => u.seq),
    );
    if (
      last &&
      last.role === 'middleware' &&
      last.path === null &&
      last.pkg === null &&
      lastRoute > 0 &&
      last.seq > lastRoute
    ) {
      notFound.add(last);
    }
  }

  const failed = new Set<ts.SourceFile>();
  const onError = (file: ts.SourceFile, error: unknown) => {
    if (failed.has(file)) return;
    failed.add(file);
    inv.notAnalysed.push({ node: file, why: unfollowed(error) });
  };
  const blocking = findBlocking(
    ws,
    ev,
    skipped,
    inv.upgrades.filter((u) => u.kind === 'upgrade-listener').map((u) => u.node),
    onError,
  );
  const replace = findReplacements(ws, ev, inv, notFound, skipped, onError);
  const isUnknown = unknownPackages();
  inv.notAnalysed.push(...ev.notes());

  const objects = ev
    .objects()
    .map((obj) => ({
      id: obj.id,
      kind: obj.kind,
      name: obj.name,
      ...ev.location(obj.node),
      mountedOn: (mounts.get(obj) ?? []).map((use) => ({
        parent: use.owner.id,
        prefix: use.path ?? '/',
        ...ev.location(use.node),
      })),
    }))
    .sort(byPlace);

  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    tool: 'switchyard-migrate',
    files: ws.files.length,
    objects,
    routes: inv.routes
      .map((entry) => ({
        method: entry.method,
        path: entry.path,
        fullPaths: fullPaths(entry),
        exact: entry.exact,
        owner: entry.owner.id,
        middleware: entry.middleware.map((p) => p.name),
        handler: entry.handler.name,
        ...ev.location(entry.node),
      }))
      .sort(byPlace),
    middleware: inv.uses
      .filter((u) => u.role === 'middleware')
      .map((u, _i, all) => ({
        owner: u.owner.id,
        order: all.filter((o) => o.owner === u.owner).indexOf(u) + 1,
        path: u.path,
        name: u.piece.name,
        package: u.pkg,
        ...ev.location(u.node),
      })),
    errorHandlers: inv.uses
      .filter((u) => u.role === 'error-handler')
      .map((u) => ({ owner: u.owner.id, name: u.piece.name, ...ev.location(u.node) })),
    notFound: [...notFound].map((u) => ({
      owner: u.owner.id,
      name: u.piece.name,
      ...ev.location(u.node),
    })),
    params: inv.params.map((p) => ({
      owner: p.owner.id,
      param: p.param,
      handler: p.handler.name,
      ...ev.location(p.node),
    })),
    upgrades: inv.upgrades
      .map((u) => ({ kind: u.kind, detail: u.detail, ...ev.location(u.node) }))
      .sort(byPlace),
    replace,
    unknownMiddleware: [
      ...inv.uses
        .filter((u) => u.role === 'middleware' && u.pkg && isUnknown(u.pkg))
        .map((u) => ({ package: u.pkg!, name: u.piece.name, ...ev.location(u.node) })),
      ...inv.routes.flatMap((r) =>
        r.middleware
          .filter((p) => p.value.k === 'ext' && isUnknown(p.value.pkg))
          .map((p) => ({
            package: (p.value as { pkg: string }).pkg,
            name: p.name,
            ...ev.location(p.node),
          })),
      ),
    ].sort(byPlace),
    blocking,
    plan: { shared: [], steps: [] },
    notAnalysed: inv.notAnalysed.map((n) => ({ ...ev.location(n.node), why: n.why })).sort(byPlace),
  };
  try {
    report.plan = bridgePlan(inv, ev, fullPaths, blocking);
  } catch (error) {
    report.notAnalysed.push({
      file: '.',
      line: 1,
      why: `no bridge plan: ${error instanceof Error ? error.message : String(error)}`,
    });
  }
  return report;
}
