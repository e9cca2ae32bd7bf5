// The Dockerfile as data, read with dockerfile-ast (the parser dockerfile-utils lints with): what
// a stage sets and copies, so that a test can run the image's command without Docker.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Copy, DockerfileParser, Env, Healthcheck } from 'dockerfile-ast';
import { validate, ValidationSeverity, type ValidatorSettings } from 'dockerfile-utils';
import { WORKSPACE } from './build-app.js';

export const DOCKERFILE = path.join(WORKSPACE, 'Dockerfile');

export interface CopyLine {
  /** The stage it copies from (`--from=`), or undefined for the build context. */
  readonly from: string | undefined;
  readonly sources: readonly string[];
  readonly destination: string;
}

export interface Stage {
  readonly name: string | undefined;
  /** ENV, in order, later lines winning. */
  readonly env: Readonly<Record<string, string>>;
  readonly workdir: string | undefined;
  readonly user: string | undefined;
  /** CMD in exec form; undefined when the stage has none or a shell-form one. */
  readonly cmd: readonly string[] | undefined;
  readonly healthcheck:
    { readonly flags: Record<string, string>; readonly cmd: string[] } | undefined;
  readonly stopSignal: string | undefined;
  readonly expose: readonly string[];
  readonly copies: readonly CopyLine[];
}

/** Every check the validator has, none ignored: each finding is at least a warning. */
export const STRICT: ValidatorSettings = {
  deprecatedMaintainer: ValidationSeverity.WARNING,
  directiveCasing: ValidationSeverity.WARNING,
  emptyContinuationLine: ValidationSeverity.WARNING,
  instructionCasing: ValidationSeverity.WARNING,
  instructionCmdMultiple: ValidationSeverity.WARNING,
  instructionEntrypointMultiple: ValidationSeverity.WARNING,
  instructionHealthcheckMultiple: ValidationSeverity.WARNING,
  instructionJSONInSingleQuotes: ValidationSeverity.WARNING,
  instructionWorkdirRelative: ValidationSeverity.WARNING,
};

/** dockerfile-utils' findings, one line each (`line 3: message`). */
export function lintDockerfile(text: string): string[] {
  return validate(text, STRICT).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
}

/** Exec form only (`["node", "main.js"]`): a shell form would put `/bin/sh -c` in front. */
function execForm(content: string | null): string[] | undefined {
  const text = (content ?? '').trim();
  return text.startsWith('[') ? (JSON.parse(text) as string[]) : undefined;
}

export function readStages(text: string = readFileSync(DOCKERFILE, 'utf8')): Stage[] {
  const document = DockerfileParser.parse(text);
  return document.getFROMs().map((from, index, froms) => {
    const start = from.getRange().start.line;
    const end = froms[index + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    const instructions = document
      .getInstructions()
      .filter((i) => i.getRange().start.line > start && i.getRange().start.line < end);
    const env: Record<string, string> = {};
    let workdir: string | undefined;
    let user: string | undefined;
    let cmd: string[] | undefined;
    let healthcheck: Stage['healthcheck'];
    let stopSignal: string | undefined;
    const expose: string[] = [];
    const copies: CopyLine[] = [];
    for (const instruction of instructions) {
      const args = instruction.getArguments().map((a) => a.getValue());
      switch (instruction.getKeyword()) {
        case 'ENV':
          if (instruction instanceof Env)
            for (const property of instruction.getProperties())
              env[property.getName()] = property.getValue() ?? '';
          break;
        case 'WORKDIR':
          workdir = args.join(' ');
          break;
        case 'USER':
          user = args.join(' ');
          break;
        case 'CMD':
          cmd = execForm(instruction.getArgumentsContent());
          break;
        case 'STOPSIGNAL':
          stopSignal = args[0];
          break;
        case 'EXPOSE':
          expose.push(...args);
          break;
        case 'HEALTHCHECK': {
          if (!(instruction instanceof Healthcheck)) break;
          const flags: Record<string, string> = {};
          for (const flag of instruction.getFlags()) flags[flag.getName()] = flag.getValue() ?? '';
          // The arguments after the flags: `CMD [...]` (or NONE).
          const rest = (instruction.getArgumentsContent() ?? '').replace(/^(--\S+\s+)*/, '');
          const command = rest.startsWith('CMD') ? execForm(rest.slice(3)) : undefined;
          if (command) healthcheck = { flags, cmd: command };
          break;
        }
        case 'COPY': {
          if (!(instruction instanceof Copy)) break;
          const paths = args.filter((a) => !a.startsWith('--'));
          copies.push({
            from: instruction.getFromFlag()?.getValue() ?? undefined,
            sources: paths.slice(0, -1),
            destination: paths.at(-1) ?? '',
          });
          break;
        }
      }
    }
    return {
      name: from.getBuildStage() ?? undefined,
      env,
      workdir,
      user,
      cmd,
      healthcheck,
      stopSignal,
      expose,
      copies,
    };
  });
}

/** The image's own stage: the last one. */
export function runtimeStage(text?: string): Stage {
  const stages = readStages(text);
  const last = stages.at(-1);
  if (!last) throw new Error('the Dockerfile has no FROM');
  return last;
}
