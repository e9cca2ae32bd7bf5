/** What no error body may contain: stack frames, file paths, SQL and driver or parser text. */
const LEAKS: ReadonlyArray<readonly [string, RegExp]> = [
  ['a stack frame', /\bat\s+\S+\s+\(|\bat\s+\S+:\d+:\d+|\n\s+at\s/],
  ['a source path', /node_modules|\/(src|dist|apps|libs)\/|\.[cm]?[jt]s\b/],
  ['SQL', /\b(select|insert|update|delete)\b[\s\S]*\b(from|into|set|where)\b/i],
  [
    'database text',
    /duplicate key|violates|constraint|relation "|column "|syntax|for type|pg_|postgres|pglite|ECONN|sqlstate/i,
  ],
  ['a parser message', /Unexpected (token|end of JSON)|JSON at position|JSON\.parse|SyntaxError/],
  ['an error class name', /\b(TypeError|RangeError|ReferenceError|DOMException|UND_ERR)/],
];

/** Names everything `text` gives away about the app's insides; empty when it gives nothing. */
export function findLeaks(text: string): string[] {
  return LEAKS.filter(([, pattern]) => pattern.test(text)).map(([name]) => name);
}

/** The first thing `text` gives away, or undefined. */
export function findLeak(text: string): string | undefined {
  return findLeaks(text)[0];
}
