import type { Writable } from 'node:stream';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { TuneError, diag, formatDiagnostics } from '../diagnostics/index.js';
import type { PluginCatalog } from '../plugin-host/catalog.js';

/** Where a command reads and writes; tests pass their own to run commands in-process. */
export interface CliIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** The plugins recipes run with (the entry point fills in the first-party ones). */
  plugins?: PluginCatalog;
}

/** One `tune` sub-command. `run` returns the exit code: 0 ok, 1 failure/invalid input, 2 usage error. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<number>;
}

export function defaultIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}

/** A CLI_USAGE error pointing at `tune <command> --help` (exit status 2). */
export function usage(command: string, message: string, extra: { found?: string; expected?: string } = {}): TuneError {
  return new TuneError(diag('CLI_USAGE', message, { ...extra, hint: `run \`tune ${command} --help\`` }));
}

/** Print a CLI_USAGE diagnostic pointing at `tune <command> --help`; returns exit status 2. */
export function usageError(io: CliIO, command: string, message: string): number {
  io.stderr.write(formatDiagnostics(usage(command, message).diagnostics));
  return 2;
}

/** The catalogue of plugins the CLI runs recipes with. */
export function catalogOf(io: CliIO): PluginCatalog {
  if (!io.plugins) throw new Error('internal: the CLI was started without its plugins');
  return io.plugins;
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<O extends Options> = ReturnType<typeof parseArgs<{ args: string[]; options: O; allowPositionals: true }>>;

/** What {@link defineCommand} takes: the command's flags and its body over the parsed arguments. */
export interface CommandSpec<O extends Options> {
  name: string;
  summary: string;
  usage: string;
  options: O;
  /** Rewrite the arguments before parsing (e.g. an optional flag value). */
  prepare?(argv: string[]): string[];
  run(args: { values: Parsed<O>['values']; positionals: string[] }, io: CliIO): Promise<number>;
}

/**
 * A command whose flags are parsed the same way everywhere: `-h` / `--help` prints the usage and
 * exits 0; a flag parseArgs rejects is CLI_USAGE (exit 2) with the hint `run tune <name> --help`.
 */
export function defineCommand<O extends Options>(spec: CommandSpec<O>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    async run(argv, io) {
      const options = { ...spec.options, help: { type: 'boolean', short: 'h' } } as O;
      let parsed: Parsed<O>;
      try {
        parsed = parseArgs({ args: spec.prepare ? spec.prepare(argv) : argv, options, allowPositionals: true }) as Parsed<O>;
      } catch (e) {
        throw usage(spec.name, (e as Error).message);
      }
      if ((parsed.values as { help?: boolean }).help) {
        io.stdout.write(spec.usage.endsWith('\n') ? spec.usage : `${spec.usage}\n`);
        return 0;
      }
      return spec.run({ values: parsed.values, positionals: parsed.positionals }, io);
    },
  };
}
