// The comparison page: the session's rows, the scenario buttons, the live charts and the two
// waterfalls, all from the page's own server (src/server/server.ts).
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './style.css';

const APPS = ['express-api', 'fastify-api'] as const;
const COLORS: Record<string, string> = { 'express-api': '#b4531f', 'fastify-api': '#1f6fb4' };

interface ParityRow {
  step: string;
  same: boolean;
  status: string;
  expressMs?: number;
  fastifyMs?: number;
  note?: string;
}
interface Group {
  label: string;
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
  errors: number;
  firstError: string | null;
}
interface ScenarioResult {
  scenario: string;
  params: Record<string, number>;
  seconds: number;
  note: string | null;
  apps: Array<{ name: string; groups: Group[] }>;
}
interface State {
  apps: Array<{ name: string; url: string }>;
  ensembleSources: number;
  parity: ParityRow[] | null;
  running: string | null;
  results: Record<string, ScenarioResult>;
}
interface AppPoint {
  rps: number | null;
  p99Ms: number | null;
  loopP99Ms: number | null;
}
interface LivePoint {
  t: number;
  apps: Record<string, AppPoint>;
}
interface WaterfallRow {
  name: string;
  kind: string;
  depth: number;
  startNs: number;
  endNs: number;
  upstream: boolean;
  detail?: string;
}
interface Waterfall {
  traceId: string;
  durationNs: number;
  rows: WaterfallRow[];
  hidden: number;
}

const $ = <T extends Element>(selector: string, root: ParentNode = document) =>
  root.querySelector<T>(selector)!;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: Array<Node | string>
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const ms = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : `${v.toFixed(1)} ms`;

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path);
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return (await res.json()) as T;
}

// --- The scripted session ---------------------------------------------------------------------

function renderParity(rows: ParityRow[] | null): void {
  const body = $('#parity-table tbody');
  if (!rows) return;
  body.replaceChildren(
    ...rows.map((r) =>
      el(
        'tr',
        { 'data-step': r.step, 'data-same': String(r.same) },
        el('td', {}, r.step),
        el('td', { class: r.same ? 'same-yes' : 'same-no' }, r.same ? '✓' : '✗'),
        el('td', {}, r.status),
        el('td', { class: 'num' }, ms(r.expressMs)),
        el('td', { class: 'num' }, ms(r.fastifyMs)),
      ),
    ),
  );
  const same = rows.filter((r) => r.same).length;
  $('#parity-summary').textContent =
    `${same}/${rows.length} steps gave the same status and body in both apps.`;
}

// --- Scenarios --------------------------------------------------------------------------------

function renderResult(card: Element, result: ScenarioResult): void {
  const rows = result.apps.flatMap((a) =>
    a.groups.map((g) =>
      el(
        'tr',
        { 'data-app': a.name, 'data-label': g.label },
        el('td', { class: `app-${a.name} app` }, a.name.replace(/-api$/, '')),
        el('td', {}, g.label),
        el('td', { class: 'num', 'data-field': 'count' }, String(g.count)),
        el('td', { class: 'num', 'data-field': 'p50' }, ms(g.p50Ms)),
        el('td', { class: 'num', 'data-field': 'p99' }, ms(g.p99Ms)),
        el('td', { class: 'num', 'data-field': 'errors' }, String(g.errors)),
      ),
    ),
  );
  const errors = result.apps.flatMap((a) =>
    a.groups
      .filter((g) => g.firstError)
      .map((g) => el('p', { class: 'error' }, `${a.name}, ${g.label}: ${g.firstError}`)),
  );
  const params = Object.entries(result.params)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  $('.result', card).replaceChildren(
    el(
      'p',
      { class: 'note' },
      `${params}; ${result.seconds} s.${result.note ? ` ${result.note}` : ''}`,
    ),
    el(
      'div',
      { class: 'table-wrap' },
      el(
        'table',
        { class: 'scenario-result', 'data-scenario': result.scenario },
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ...['app', 'what', 'requests', 'p50', 'p99', 'errors'].map((h, i) =>
              el('th', i >= 2 ? { class: 'num' } : {}, h),
            ),
          ),
        ),
        el('tbody', {}, ...rows),
      ),
    ),
    ...errors,
  );
}

/** A scenario this page started; the server's own word (SSE) covers those from other pages. */
let ownRun = false;
function setBusy(running: string | null): void {
  const busy = ownRun || running !== null;
  for (const b of document.querySelectorAll<HTMLButtonElement>('.card button')) b.disabled = busy;
}

async function runScenario(card: HTMLElement): Promise<void> {
  const name = card.dataset['scenario']!;
  const params: Record<string, number> = {};
  for (const input of card.querySelectorAll<HTMLInputElement>('input[type=range]')) {
    params[input.name] = Number(input.value);
  }
  const status = $('#scenario-status');
  status.textContent = `Running ${$('h3', card).textContent} for ${params['durationS']} s against both apps…`;
  card.dataset['state'] = 'running';
  ownRun = true;
  setBusy(name);
  try {
    const res = await fetch(`/api/scenarios/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
    });
    const body = (await res.json()) as ScenarioResult & { message?: string };
    if (!res.ok) {
      status.textContent = `${res.status}: ${body.message ?? 'failed'}`;
      card.dataset['state'] = 'failed';
      return;
    }
    renderResult(card, body);
    status.textContent = `${$('h3', card).textContent}: done.`;
    card.dataset['state'] = 'done';
  } catch (error) {
    status.textContent = `failed: ${String(error)}`;
    card.dataset['state'] = 'failed';
  } finally {
    ownRun = false;
    setBusy(null);
  }
}

for (const card of document.querySelectorAll<HTMLElement>('.card')) {
  for (const input of card.querySelectorAll<HTMLInputElement>('input[type=range]')) {
    const out = input.nextElementSibling as HTMLOutputElement;
    input.addEventListener('input', () => (out.value = input.value));
  }
  $('button', card).addEventListener('click', () => void runScenario(card));
}

// --- Live charts ------------------------------------------------------------------------------

const WINDOW = 120;
const times: number[] = [];
const series: Record<'latency' | 'loop', Record<string, Array<number | null>>> = {
  latency: { 'express-api': [], 'fastify-api': [] },
  loop: { 'express-api': [], 'fastify-api': [] },
};

function makeChart(target: HTMLElement, unit: string): uPlot {
  const opts: uPlot.Options = {
    width: Math.max(200, target.clientWidth),
    height: 220,
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [{}, { label: unit, size: 50 }],
    series: [
      {},
      // Points too: a second with requests between two without is a point, not a line.
      ...APPS.map((a) => ({
        label: a,
        stroke: COLORS[a]!,
        width: 2,
        points: { show: true, size: 4 },
      })),
    ],
    legend: { live: true },
  };
  const chart = new uPlot(opts, [[], [], []], target);
  new ResizeObserver(() =>
    chart.setSize({ width: Math.max(200, target.clientWidth), height: 220 }),
  ).observe(target);
  return chart;
}

const charts = {
  latency: makeChart($('#chart-latency'), 'ms'),
  loop: makeChart($('#chart-loop'), 'ms'),
};

function addPoint(p: LivePoint): void {
  times.push(p.t);
  for (const a of APPS) {
    series.latency[a]!.push(p.apps[a]?.p99Ms ?? null);
    series.loop[a]!.push(p.apps[a]?.loopP99Ms ?? null);
  }
  if (times.length > WINDOW) {
    times.shift();
    for (const s of Object.values(series)) for (const a of APPS) s[a]!.shift();
  }
}

function redraw(): void {
  for (const key of ['latency', 'loop'] as const) {
    charts[key].setData([times, ...APPS.map((a) => series[key][a]!)] as uPlot.AlignedData);
  }
}

// --- Waterfalls -------------------------------------------------------------------------------

function renderWaterfall(app: string, w: Waterfall | null): void {
  const box = $(`.waterfall[data-app="${app}"]`);
  const title = el('h3', {}, app);
  if (!w) {
    box.replaceChildren(title, el('p', { class: 'empty' }, 'no ensemble request traced yet'));
    return;
  }
  const total = Math.max(1, w.durationNs);
  const upstream = w.rows.filter((r) => r.upstream).length;
  const rows = w.rows.map((r) => {
    const left = (r.startNs / total) * 100;
    const width = ((r.endNs - r.startNs) / total) * 100;
    const bar = el('div', { class: 'span-bar' });
    bar.style.left = `${left}%`;
    bar.style.width = `${width}%`;
    const label = el('div', {
      class: 'span-label',
      title: `${r.name} ${r.detail ?? ''} ${((r.endNs - r.startNs) / 1e6).toFixed(1)} ms`,
    });
    label.style.paddingLeft = `${Math.min(r.depth, 8) * 0.5}rem`;
    label.textContent = r.upstream ? `${r.name} ${r.detail ?? ''}` : r.name;
    return el(
      'div',
      {
        class: 'span-row',
        'data-kind': r.kind,
        'data-upstream': String(r.upstream),
        'data-start-ns': String(r.startNs),
        'data-end-ns': String(r.endNs),
      },
      label,
      el('div', { class: 'span-track' }, bar),
    );
  });
  box.replaceChildren(
    title,
    el(
      'p',
      { class: 'meta', 'data-trace-id': w.traceId },
      `${(w.durationNs / 1e6).toFixed(1)} ms, ${w.rows.length + w.hidden} spans, ${upstream} knowledge-source calls${w.hidden ? ` (${w.hidden} spans not shown)` : ''}; trace ${w.traceId.slice(0, 8)}…`,
    ),
    el('div', { class: 'spans' }, ...rows),
  );
}

let tracesVersion = -1;
async function refreshTraces(version: number): Promise<void> {
  if (version === tracesVersion) return;
  tracesVersion = version;
  const t = await getJson<{ apps: Record<string, Waterfall | null> }>('/api/traces');
  for (const a of APPS) renderWaterfall(a, t.apps[a] ?? null);
}

// --- Start-up ---------------------------------------------------------------------------------

async function loadState(): Promise<State> {
  const state = await getJson<State>('/api/state');
  $('#app-urls').replaceChildren(
    ...state.apps.flatMap((a, i) => [
      ...(i ? [' and '] : []),
      el('a', { href: `${a.url}/docs`, class: `legend-${a.name}` }, a.name),
      ` on ${new URL(a.url).port}`,
    ]),
  );
  renderParity(state.parity);
  const k = $<HTMLInputElement>('.card[data-scenario="fanout"] input[name="k"]');
  k.value = String(state.ensembleSources);
  (k.nextElementSibling as HTMLOutputElement).value = k.value;
  for (const [name, result] of Object.entries(state.results)) {
    const card = document.querySelector(`.card[data-scenario="${name}"]`);
    if (card) renderResult(card, result);
  }
  setBusy(state.running);
  return state;
}

const state = await loadState();
if (!state.parity) {
  // The session runs before the page's first visitor as a rule; if not, ask until it is there.
  const timer = setInterval(() => {
    void getJson<{ rows: ParityRow[] | null }>('/api/session').then((s) => {
      if (s.rows) {
        renderParity(s.rows);
        clearInterval(timer);
      }
    });
  }, 2000);
}

const live = new EventSource('/api/live');
live.addEventListener('history', (e) => {
  const { data, traces } = JSON.parse((e as MessageEvent<string>).data) as {
    data: LivePoint[];
    traces: number;
  };
  for (const p of data) addPoint(p);
  redraw();
  void refreshTraces(traces);
});
live.addEventListener('point', (e) => {
  const { data, traces, running } = JSON.parse((e as MessageEvent<string>).data) as {
    data: LivePoint;
    traces: number;
    running: string | null;
  };
  addPoint(data);
  redraw();
  setBusy(running);
  void refreshTraces(traces);
});
