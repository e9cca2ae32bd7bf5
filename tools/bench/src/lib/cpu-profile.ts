// Reading V8's `.cpuprofile` files (node --cpu-prof): self time by function, and the groups the
// performance issue names (helmet, logging, hooks, the unknown-route hook, serialization, auth,
// the framework, Node's http), so that a profile of an app reads as where its time goes.

export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string };
  }>;
  /** µs on the system's monotonic clock (process.hrtime's), as the samples' times. */
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A span of the monotonic clock in µs: process.hrtime.bigint() / 1000 in any process. */
export interface Window {
  readonly from: number;
  readonly to: number;
}

/** Now on the clock the profile's times use, in µs. */
export const monotonicUs = (): number => Number(process.hrtime.bigint() / 1000n);

/** Where a function lives, short: a package and its file, the workspace file, or node's own. */
export function where(url: string): string {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  return url.replace(/^file:\/\/.*?\/(apps|libs|tools)\//, '$1/');
}

/** The key of one function: its name and its short file (not its line, which moves). */
export const functionKey = (functionName: string, url: string): string =>
  `${functionName || '(anonymous)'}${url ? ` ${where(url)}` : ''}`;

/**
 * Self time (µs) by function, from the samples and the time between them; (idle) apart. With a
 * window, only the samples taken inside it count (the measured load, not the start-up).
 */
export function selfTimes(
  profile: CpuProfile,
  window?: Window,
): { byFunction: Map<string, number>; idle: number } {
  const frame = new Map(profile.nodes.map((n) => [n.id, n.callFrame]));
  const byFunction = new Map<string, number>();
  let idle = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.from || at > window.to)) return;
    // timeDeltas[i + 1] is the time from this sample to the next one: this sample's share.
    const us = profile.timeDeltas[i + 1] ?? 0;
    const f = frame.get(id)!;
    if (f.functionName === '(idle)') {
      idle += us;
      return;
    }
    // By name and file, not line: node's own files move between versions, and the same
    // function must land in one row for both.
    const key = functionKey(f.functionName, f.url);
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  });
  return { byFunction, idle };
}

/** The groups of a light-route profile, in the order a table shows them. */
export const GROUPS = [
  'helmet',
  'logging (pino)',
  'hooks and middleware (the app)',
  '405/unknown-route hook',
  'serialization',
  'auth',
  'database (driver, PGlite)',
  'route handler',
  'the framework',
  "Node's http, net and streams",
  'V8 (GC, compiled code, builtins)',
  'other',
] as const;
export type Group = (typeof GROUPS)[number];

interface Rule {
  readonly group: Group;
  /** Matched against the short file (`where`), e.g. `fastify/lib/reply.js`, `apps/…`. */
  readonly file?: RegExp;
  /** Matched against the function name. */
  readonly name?: RegExp;
  /** The rule is for functions V8 reports without a file (builtins, `new Function` code). */
  readonly noFile?: true;
}

const APP_FILE = '^apps\\/[^/]+\\/(dist|src)\\/';

/**
 * First match wins; a rule with several tests wants all of them to hold. Files are the short
 * forms `where` gives: a package path below node_modules, a workspace path (apps/…, libs/…),
 * or node's own `node:…` module.
 */
const RULES: readonly Rule[] = [
  { group: 'helmet', file: /^(helmet|@fastify\/helmet)\// },
  {
    group: 'logging (pino)',
    file: /^(pino|pino-http|pino-std-serializers|sonic-boom|fast-redact|@pinojs\/redact|thread-stream|on-exit-leak-free|quick-format-unescaped|fast-safe-stringify)\//,
  },
  // fastify-api's not-found hook lives in plugins/errors.ts with the error handler;
  // express-api's answer is its last middleware, and its OPTIONS route is the same handler.
  {
    group: '405/unknown-route hook',
    file: /^apps\/(fastify-api|bridge-api)\/(dist|src)\/plugins\/errors\.|^apps\/express-api\/(dist|src)\/middleware\/not-found\./,
  },
  {
    group: 'auth',
    file: new RegExp(
      `${APP_FILE}(plugins|middleware)\\/auth\\.|^libs\\/domain\\/(dist|src)\\/lib\\/(auth\\/|use-cases\\/accounts\\.)|^libs\\/http-kit\\/(dist|src)\\/lib\\/websocket\\/bearer-subprotocol\\.|^node:internal\\/crypto\\/hash`,
    ),
  },
  // The native half of hashToken's SHA-256, which V8 shows without a file.
  { group: 'auth', name: /^(digest|update|Hash)$/, noFile: true },
  {
    group: 'database (driver, PGlite)',
    file: /^(pg|pg-pool|pg-protocol|pg-types|pg-connection-string|postgres-[^/]+|@electric-sql\/pglite)\/|^libs\/persistence\//,
  },
  { group: 'serialization', file: /^(fast-json-stringify|json-schema-ref-resolver)\// },
  {
    group: 'serialization',
    file: /^fastify\/lib\/(reply|error-serializer)\.js$/,
    name: /^(serialize|onSendEnd|onSendHook)$/,
  },
  { group: 'serialization', file: /^express\/lib\/response\.js$/, name: /^(json|stringify)$/ },
  // fast-json-stringify's compiled serializers are `new Function` code; JSON.stringify a builtin.
  { group: 'serialization', name: /^(anonymous\d*|stringify|JSONStringify)$/, noFile: true },
  { group: 'route handler', file: new RegExp(`${APP_FILE}routes\\/|^libs\\/domain\\/`) },
  // The request id's UUID comes from node's crypto: the request-id hook's.
  {
    group: 'hooks and middleware (the app)',
    file: /^apps\/|^libs\/(http-kit|api-spec|runtime|router)\/|^node:internal\/crypto\/random/,
  },
  {
    group: 'the framework',
    file: /^(fastify|find-my-way|avvio|fastify-plugin|light-my-request|@fastify\/[^/]+|abstract-logging|toad-cache|rfdc|process-warning|content-type|safe-regex2|ret|express|express4|router|body-parser|finalhandler|send|serve-static|path-to-regexp|depd|debug|ms|on-finished|ee-first|parseurl|encodeurl|escape-html|etag|fresh|range-parser|type-is|media-typer|mime-types|mime-db|accepts|negotiator|qs|statuses|http-errors|merge-descriptors|setprototypeof|cookie|cookie-signature|vary|proxy-addr|forwarded|ipaddr\.js|content-disposition|utils-merge|methods|array-flatten|iconv-lite|raw-body|bytes|unpipe|express-rate-limit)\//,
  },
  {
    group: "Node's http, net and streams",
    file: /^node:(_http|http|net|stream|events|buffer|url|string_decoder|timers|diagnostics_channel|async_hooks|util|internal\/(http|stream|streams|net|dns|url|timers|async_hooks|process\/task_queues|event_target|errors|validators|util|buffer|fixed_queue|perf|linkedlist|querystring))/,
  },
  // Node's native socket and header calls, and the regexes _http_common checks headers with.
  {
    group: "Node's http, net and streams",
    name: /^(writev|writeBuffer|writeUtf8String|writeLatin1String|getLibuvNow|RegExp: .*)$/,
    noFile: true,
  },
];

/** The group of one function key (`functionKey`'s form: name, then the short file). */
export function groupOf(key: string): Group {
  // A file never holds a space; a name may (`RegExp: ^a b$`), so split at the last one that
  // is followed by something file-like.
  const m = /^(.*) ((?:node:|apps\/|libs\/|tools\/|file:|[@\w.-]+\/)\S*)$/.exec(key);
  const name = m ? m[1]! : key;
  const file = m ? m[2]! : '';
  for (const rule of RULES) {
    if (rule.noFile && file) continue;
    if (rule.file && !rule.file.test(file)) continue;
    if (rule.name && !rule.name.test(name)) continue;
    return rule.group;
  }
  return file ? 'other' : 'V8 (GC, compiled code, builtins)';
}

/** Self time by group, from `selfTimes`'s map. */
export function byGroup(byFunction: ReadonlyMap<string, number>): Map<Group, number> {
  const out = new Map<Group, number>(GROUPS.map((g) => [g, 0]));
  for (const [key, us] of byFunction) {
    const group = groupOf(key);
    out.set(group, out.get(group)! + us);
  }
  return out;
}
