import { pathToFileURL } from 'node:url';
import { realpathSync } from 'node:fs';
import { type CliIO, type Command, defaultIO } from './command.js';
import { TuneError, diag, formatDiagnostics, isTuneError } from '../diagnostics/index.js';

export type { CliIO };

/**
 * Commands load lazily so `tune validate` never pays for TensorFlow.js or the model zoo.
 * Each entry is one file in this folder. This is the CLI's entry point: it hands the commands the
 * first-party plugins (plugins/), which nothing else in src/ imports.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  validate: async () => (await import('./validate.js')).command,
  plan: async () => (await import('./plan.js')).command,
  schema: async () => (await import('./schema.js')).command,
  init: async () => (await import('./init.js')).command,
  tokenize: async () => (await import('./tokenize.js')).command,
  preprocess: async () => (await import('./preprocess.js')).command,
  generate: async () => (await import('./generate.js')).command,
  eval: async () => (await import('./eval.js')).command,
  run: async () => (await import('./run.js')).command,
  merge: async () => (await import('./merge.js')).command,
  env: async () => (await import('./env.js')).command,
};

/** One line per command for `tune --help`, kept here so help does not load every command module. */
const SUMMARIES: Record<keyof typeof COMMANDS, string> = {
  validate: 'check recipes (schema + semantic rules) with file:line:col diagnostics',
  plan: 'show the compiled plan of a recipe: modules, adapters, parameters, steps, memory',
  schema: 'print the recipe JSON Schema (or write it with a recipe’s own plugins)',
  init: 'write a commented starter recipe',
  tokenize: 'print the token ids and tokens of a text',
  preprocess: 'prepare (and cache) a recipe’s data; --inspect shows trained tokens',
  generate: 'generate text from a model (+ adapter)',
  eval: 'loss, perplexity or exact match of a model (+ adapter) on a batch or a recipe’s data',
  run: 'train a recipe (full, LoRA, QLoRA); Ctrl-C saves a checkpoint, --resume continues',
  merge: 'merge a LoRA adapter into its base model and write an HF folder',
  env: 'list the backends this machine can run (and which one `auto` picks)',
};

function help(): string {
  const names = Object.keys(COMMANDS).sort();
  const width = Math.max(...names.map((n) => n.length));
  return [
    'tune — declarative fine-tuning of causal language models',
    '',
    'usage: tune <command> [options]',
    '',
    'commands:',
    ...names.map((n) => `  ${n.padEnd(width)}  ${SUMMARIES[n] ?? ''}`),
    '',
    'Run `tune <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

/** Run the CLI with the given arguments; resolves to the process exit code. */
export async function main(argv: string[], io: CliIO = defaultIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    const { existsSync, readFileSync } = await import('node:fs');
    // src/cli/main.ts and dist/src/cli/main.js sit two and three levels below the package root.
    const file = ['../../package.json', '../../../package.json'].map((rel) => new URL(rel, import.meta.url)).find((u) => existsSync(u) && (JSON.parse(readFileSync(u, 'utf8')) as { name?: string }).name === 'tunekit');
    const pkg = file ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }) : { version: 'unknown' };
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    io.stderr.write(
      formatDiagnostics([
        diag('CLI_UNKNOWN_COMMAND', `unknown command \`${name}\``, {
          hint: `commands: ${Object.keys(COMMANDS).sort().join(', ')}`,
        }),
      ]),
    );
    return 2;
  }
  try {
    const cmd = await load();
    // Loaded like the commands (lazily), so one copy of every module serves both.
    const plugins = io.plugins ?? (await import('../../plugins/index.js')).builtinPlugins();
    return await cmd.run(rest, { ...io, plugins });
  } catch (e) {
    return reportError(e, io);
  }
}

/** Print an error the way the CLI promises: diagnostics for user mistakes, one INTERNAL line otherwise. */
export function reportError(e: unknown, io: CliIO): number {
  if (isTuneError(e)) {
    io.stderr.write(formatDiagnostics(e.diagnostics));
    return e.diagnostics.some((d) => d.code === 'CLI_USAGE') ? 2 : 1;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const d = diag('INTERNAL', err.message, { hint: 'this is a bug in tunekit; set TUNE_DEBUG=1 for a stack trace and report it' });
  io.stderr.write(formatDiagnostics([d]));
  if (io.env['TUNE_DEBUG']) io.stderr.write(`${err.stack ?? ''}\n`);
  return 1;
}

export { TuneError };

// Run when executed directly (`node --import tsx src/cli/main.ts validate …`).
const invoked = process.argv[1];
if (invoked !== undefined) {
  let self = '';
  try {
    self = realpathSync(invoked);
  } catch {
    /* not a file path */
  }
  if (pathToFileURL(self).href === import.meta.url) {
    main(process.argv.slice(2)).then((code) => {
      process.exitCode = code;
    });
  }
}
