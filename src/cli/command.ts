import type { Writable } from 'node:stream';
import { diag, formatDiagnostics } from '../diagnostics/index.js';

/** Where a command reads and writes; tests pass their own to run commands in-process. */
export interface CliIO {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
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

/** Print a CLI_USAGE diagnostic pointing at `tune <command> --help`; returns exit status 2. */
export function usageError(io: CliIO, command: string, message: string): number {
  io.stderr.write(formatDiagnostics([diag('CLI_USAGE', message, { hint: `run \`tune ${command} --help\`` })]));
  return 2;
}
