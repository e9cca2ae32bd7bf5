import { parseArgs } from 'node:util';
import { COLOUR, PLAIN, renderMarkdown, renderText } from './lib/render.js';
import { scan } from './lib/scan.js';

const USAGE = `Usage: switchyard-migrate scan <dir> [options]

Reads the Express app under <dir> (JavaScript or TypeScript, never run) and reports its routes,
what to replace with what in Fastify, the blocking patterns on request paths and a bridge plan.

Options:
  --format text|json|md   text (default) for a terminal, json (schemaVersion 1), md for a ticket
  --fail-on blocking      exit with 1 when a blocking pattern is found (for a CI step)
  --links <url>           put before the docs links of --format md (an issue resolves no
                          relative link), e.g. https://github.com/<owner>/switchyard/blob/main/
  --condition <name>      an extra export condition for resolving imports (repeatable)
  --no-color              no colour, even on a terminal (NO_COLOR does the same)
  -h, --help              this text
`;

export interface CliIo {
  readonly stdout: { write(text: string): unknown; isTTY?: boolean };
  readonly stderr: { write(text: string): unknown };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Colour on a terminal, unless NO_COLOR or --no-color; FORCE_COLOR forces it. */
function wantsColour(io: CliIo, noColor: boolean): boolean {
  if (noColor || (io.env['NO_COLOR'] ?? '') !== '') return false;
  const force = io.env['FORCE_COLOR'];
  if (force !== undefined && force !== '' && force !== '0') return true;
  return io.stdout.isTTY === true;
}

/** Runs the CLI; returns the exit code: 0, 1 for --fail-on with a finding, 2 for a usage error. */
export function main(argv: readonly string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'text' },
        'fail-on': { type: 'string' },
        condition: { type: 'string', multiple: true, default: [] },
        links: { type: 'string', default: '' },
        'no-color': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(USAGE);
    return 0;
  }
  const [command, dir, ...extra] = positionals;
  const format = values.format;
  const failOn = values['fail-on'];
  const problem =
    command !== 'scan'
      ? `unknown command: ${command ?? '(none)'}`
      : !dir || extra.length > 0
        ? 'scan takes one directory'
        : !['text', 'json', 'md'].includes(format)
          ? `unknown --format: ${format}`
          : failOn !== undefined && failOn !== 'blocking'
            ? `unknown --fail-on: ${failOn} (only "blocking")`
            : undefined;
  if (problem) {
    io.stderr.write(`${problem}\n\n${USAGE}`);
    return 2;
  }

  let report;
  try {
    report = scan(dir!, { conditions: values.condition });
  } catch (error) {
    io.stderr.write(`switchyard-migrate: cannot scan ${dir}: ${(error as Error).message}\n`);
    return 2;
  }
  if (format === 'json') io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (format === 'md') io.stdout.write(renderMarkdown(report, { links: values.links }));
  else io.stdout.write(renderText(report, wantsColour(io, values['no-color']) ? COLOUR : PLAIN));
  return failOn === 'blocking' && report.blocking.length > 0 ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  });
}
