import type { Writable } from 'node:stream';

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
