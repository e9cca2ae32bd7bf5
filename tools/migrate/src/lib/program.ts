import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** What a scan reads: the files of the app (scanned) and the program that resolves them. */
export interface Workspace {
  /** Absolute path of the scanned directory. */
  readonly root: string;
  readonly program: ts.Program;
  readonly checker: ts.TypeChecker;
  /** The app's own files, sorted, absolute. */
  readonly files: readonly ts.SourceFile[];
  /** A path as the report shows it: relative to the scanned directory, with `/`. */
  display(fileName: string): string;
  /** True for a file of the app itself (under the root, outside node_modules). */
  isScanned(fileName: string): boolean;
}

/**
 * Walks each scanned file the inventory did not skip; a file whose walk throws is handed to
 * `onError` (reported as not analysed) and the others go on.
 */
export function visitFiles(
  ws: Workspace,
  skipped: ReadonlySet<ts.SourceFile>,
  onError: (file: ts.SourceFile, error: unknown) => void,
  visit: (file: ts.SourceFile) => void,
): void {
  for (const file of ws.files) {
    if (skipped.has(file)) continue;
    try {
      visit(file);
    } catch (error) {
      onError(file, error);
    }
  }
}

const SOURCE = /\.(?:[cm]?[jt]s|[jt]sx)$/;
/** Not the app: its tests, builds and dependencies. */
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'build', 'coverage', 'out-tsc', '.git']);
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$|\.d\.[cm]?ts$/;

function sourceFiles(dir: string, out: string[]): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  )) {
    if (entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRS.has(entry.name) && entry.name !== 'test' && entry.name !== '__tests__') {
        sourceFiles(path, out);
      }
    } else if (SOURCE.test(entry.name) && !TEST_FILE.test(entry.name)) {
      out.push(path);
    }
  }
  return out;
}

/**
 * The app's tsconfig.json, when it has one, decides how imports resolve (paths, custom
 * conditions such as a workspace's source condition); its `files` and `include` do not decide
 * what is scanned: every source file under the directory is.
 */
function compilerOptions(root: string, conditions: readonly string[]): ts.CompilerOptions {
  const base: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  };
  const configPath = ts.findConfigFile(root, ts.sys.fileExists, 'tsconfig.json');
  let options = base;
  if (configPath && resolve(configPath, '..').startsWith(root)) {
    const read = ts.readConfigFile(configPath, ts.sys.readFile);
    if (!read.error) {
      const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, resolve(configPath, '..'));
      options = { ...base, ...parsed.options };
    }
  }
  return {
    ...options,
    customConditions: [...(options.customConditions ?? []), ...conditions],
    allowJs: true,
    checkJs: false,
    noEmit: true,
    skipLibCheck: true,
    // The app's types are not needed to follow its routes, and loading every @types package
    // costs more than the app itself.
    types: [],
    composite: false,
    declaration: false,
    declarationMap: false,
    sourceMap: false,
    incremental: false,
    // The scan needs no global types: without them the program is the app and its workspace.
    noLib: true,
  };
}

const NODE_MODULES = /[\\/]node_modules[\\/]/;

/**
 * A compiler host that reads the app and the workspace packages it links, and gives every
 * installed package an empty file: the scan names a package from its import, never from its
 * types, and parsing them cost more than the app (977 files for apps/express-api, 5 s).
 */
function sourceOnlyHost(options: ts.CompilerOptions): ts.CompilerHost {
  const host = ts.createCompilerHost(options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (NODE_MODULES.test(fileName) && NODE_MODULES.test(host.realpath?.(fileName) ?? fileName)) {
      return ts.createSourceFile(fileName, 'export {};', languageVersion);
    }
    return getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  return host;
}

export function openWorkspace(dir: string, conditions: readonly string[] = []): Workspace {
  const root = resolve(dir);
  if (!statSync(root).isDirectory()) throw new Error(`not a directory: ${dir}`);
  const names = sourceFiles(root, []);
  const options = compilerOptions(root, conditions);
  const program = ts.createProgram({ rootNames: names, options, host: sourceOnlyHost(options) });
  const files = names
    .map((name) => program.getSourceFile(name))
    .filter((file): file is ts.SourceFile => file !== undefined);
  const inside = root + sep;
  // Asked for every location the report gives: worth a cache (path.relative is not cheap).
  const shown = new Map<string, string>();
  const scanned = new Map<string, boolean>();
  return {
    root,
    program,
    checker: program.getTypeChecker(),
    files,
    display: (fileName) => {
      let text = shown.get(fileName);
      if (text === undefined) {
        text = relative(root, fileName).split(sep).join('/');
        shown.set(fileName, text);
      }
      return text;
    },
    isScanned: (fileName) => {
      let is = scanned.get(fileName);
      if (is === undefined) {
        const path = resolve(fileName);
        is = path.startsWith(inside) && !path.includes(`${sep}node_modules${sep}`);
        scanned.set(fileName, is);
      }
      return is;
    },
  };
}
