import type { Report, Route } from './schema.js';

/** ANSI styles, or none: colour only when the output is a terminal (the CLI decides). */
export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  green(text: string): string;
  cyan(text: string): string;
}

const ansi = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

export const COLOUR: Style = {
  bold: ansi(1, 22),
  dim: ansi(2, 22),
  red: ansi(31, 39),
  yellow: ansi(33, 39),
  green: ansi(32, 39),
  cyan: ansi(36, 39),
};

const id = (text: string) => text;
export const PLAIN: Style = { bold: id, dim: id, red: id, yellow: id, green: id, cyan: id };

/** How many evidence lines a row shows before "and N more" (the JSON has them all). */
const EVIDENCE_SHOWN = 3;

const at = (x: { file: string; line: number }) => `${x.file}:${x.line}`;

function routePath(route: Route): string {
  const paths =
    route.fullPaths.length > 0 ? route.fullPaths.join(', ') : `${route.path} (router not mounted)`;
  return route.exact ? paths : `${paths} (not a constant)`;
}

function counts(report: Report): string {
  const apps = report.objects.filter((o) => o.kind === 'app').length;
  const routers = report.objects.length - apps;
  return `${report.files} files, ${apps} app(s), ${routers} router(s), ${report.routes.length} routes, ${report.blocking.length} blocking pattern(s), ${report.notAnalysed.length} not analysed`;
}

/** The terminal report. */
export function renderText(report: Report, style: Style = PLAIN): string {
  const out: string[] = [];
  const h = (title: string) => out.push('', style.bold(style.cyan(title)));
  out.push(style.bold(`switchyard-migrate scan: ${counts(report)}`));

  h('Apps and routers');
  for (const o of report.objects) {
    const mounts = o.mountedOn.map((m) => `${m.prefix} on ${m.parent}`).join(', ');
    out.push(
      `  ${o.kind} ${style.bold(o.name)} ${style.dim(o.id)}${mounts ? ` mounted at ${mounts}` : ''}`,
    );
  }

  h('Routes');
  for (const r of report.routes) {
    const chain = [...r.middleware, r.handler].join(' → ');
    out.push(`  ${style.bold(r.method.padEnd(7))} ${routePath(r)}  ${style.dim(at(r))}`);
    out.push(`          ${style.dim(chain)}`);
  }

  h('App-level middleware, in order');
  for (const m of report.middleware) {
    const pkg = m.package ? ` (${m.package})` : '';
    out.push(`  ${m.order}. ${m.path ? `${m.path} ` : ''}${m.name}${pkg}  ${style.dim(at(m))}`);
  }
  for (const e of report.errorHandlers) out.push(`  error handler: ${e.name}  ${style.dim(at(e))}`);
  for (const n of report.notFound) out.push(`  404 handler: ${n.name}  ${style.dim(at(n))}`);
  for (const p of report.params)
    out.push(`  param :${p.param} → ${p.handler}  ${style.dim(at(p))}`);
  for (const u of report.upgrades) out.push(`  upgrade: ${u.detail}  ${style.dim(at(u))}`);

  h('What to replace');
  for (const r of report.replace) {
    out.push(`  ${style.bold(r.express)} → ${style.green(r.fastify)}  ${style.dim(r.recipe)}`);
    const shown = r.evidence.slice(0, EVIDENCE_SHOWN).map((e) => `${e.what} ${at(e)}`);
    const more = r.evidence.length - shown.length;
    out.push(`      ${style.dim(shown.join('; ') + (more > 0 ? `; and ${more} more` : ''))}`);
  }
  for (const u of report.unknownMiddleware) {
    out.push(
      `  ${style.yellow('unknown')}: ${u.name} (${u.package}), not in the map  ${style.dim(at(u))}`,
    );
  }

  h('Blocking patterns on request paths');
  if (report.blocking.length === 0) out.push(`  ${style.green('none found')}`);
  for (const b of report.blocking) {
    out.push(`  ${style.red(b.kind)} ${at(b)}: ${b.title}: ${b.detail}`);
    const via = b.sites.filter((s) => s.file !== b.file || s.line !== b.line);
    if (via.length > 0)
      out.push(`      ${style.dim(via.map((s) => `${s.call} ${at(s)}`).join('; '))}`);
    out.push(`      ${style.dim(`see ${b.guide}`)}`);
  }

  h('Bridge plan');
  for (const s of report.plan.shared) out.push(`  before any group: ${s}`);
  for (const s of report.plan.steps) {
    out.push(`  ${s.step}. ${style.bold(s.group)} [${s.kind}] ${s.routes.length} route(s)`);
    for (const b of s.blockers) out.push(`      ${style.yellow('blocker')}: ${b}`);
  }

  if (report.notAnalysed.length > 0) {
    h('Not analysed');
    for (const n of report.notAnalysed) out.push(`  not analysed: ${at(n)}, ${n.why}`);
  }
  return `${out.join('\n')}\n`;
}

const cell = (text: string) => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export interface MarkdownOptions {
  readonly title?: string;
  /**
   * Put before each recipe and guide link (`docs/…`), e.g. the URL of this repository's tree:
   * an issue tracker resolves no relative link. Empty by default: links relative to the repo.
   */
  readonly links?: string;
}

/** A migration ticket: the checklist a reader pastes into an issue. */
export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const { title = 'Migrate to Fastify', links = '' } = options;
  const out: string[] = [];
  out.push(`# ${title}`, '', `Scanned by \`switchyard-migrate scan\`: ${counts(report)}.`);

  out.push('', '## Routes', '', '| Method | Path | Chain | Where |', '| --- | --- | --- | --- |');
  for (const r of report.routes) {
    out.push(
      `| ${r.method} | \`${cell(routePath(r))}\` | ${cell([...r.middleware, r.handler].join(' → '))} | ${at(r)} |`,
    );
  }

  out.push('', '## App-level middleware, in order', '');
  for (const m of report.middleware) {
    out.push(
      `${m.order}. ${m.path ? `\`${m.path}\` ` : ''}${m.name}${m.package ? ` (\`${m.package}\`)` : ''}: ${at(m)}`,
    );
  }
  if (
    report.errorHandlers.length +
      report.notFound.length +
      report.params.length +
      report.upgrades.length >
    0
  ) {
    out.push('');
    for (const e of report.errorHandlers) out.push(`- Error handler ${e.name}: ${at(e)}`);
    for (const n of report.notFound) out.push(`- 404 handler ${n.name}: ${at(n)}`);
    for (const p of report.params) out.push(`- \`param('${p.param}')\` → ${p.handler}: ${at(p)}`);
    for (const u of report.upgrades) out.push(`- Upgrade: ${u.detail}: ${at(u)}`);
  }

  out.push('', '## What to replace', '');
  for (const r of report.replace) {
    const where = r.evidence.slice(0, EVIDENCE_SHOWN).map(at).join(', ');
    const more =
      r.evidence.length > EVIDENCE_SHOWN ? ` and ${r.evidence.length - EVIDENCE_SHOWN} more` : '';
    out.push(`- [ ] ${r.express} → ${r.fastify} ([recipe](${links}${r.recipe})): ${where}${more}`);
  }
  for (const u of report.unknownMiddleware) {
    out.push(`- [ ] Unknown middleware ${u.name} (\`${u.package}\`), not in the map: ${at(u)}`);
  }

  out.push('', '## Blocking patterns', '');
  if (report.blocking.length === 0) out.push('None found.');
  for (const b of report.blocking) {
    out.push(`- [ ] ${b.title}: \`${cell(b.detail)}\` at ${at(b)} ([guide](${links}${b.guide}))`);
  }

  out.push('', '## Bridge plan', '');
  for (const s of report.plan.shared) out.push(`- Before any group: ${s}`);
  if (report.plan.shared.length > 0) out.push('');
  for (const s of report.plan.steps) {
    out.push(`${s.step}. [ ] ${s.group} (${s.kind}, ${s.routes.length} route(s))`);
    for (const b of s.blockers) out.push(`   - Blocker: ${b}`);
  }

  if (report.notAnalysed.length > 0) {
    out.push('', '## Not analysed', '');
    for (const n of report.notAnalysed) out.push(`- ${at(n)}: ${n.why}`);
  }
  return `${out.join('\n')}\n`;
}
