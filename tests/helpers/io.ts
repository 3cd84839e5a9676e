import { Writable } from 'node:stream';
import type { CliIO, Command } from '../../src/cli/command.js';
import { reportError } from '../../src/cli/main.js';
import { CATALOG } from './plugins.js';

/** An in-memory CliIO for running commands in-process. */
export function captureIO(cwd = process.cwd(), env: NodeJS.ProcessEnv = {}): CliIO & { out(): string; err(): string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  return {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    cwd,
    env,
    out: () => out,
    err: () => err,
  };
}

/**
 * Run one command as main() does, minus main's lazy import: under mocha the test files load as
 * CommonJS, and a lazily imported ESM copy of the diagnostics would make TuneError checks fail.
 */
export async function runCommand(command: Command, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO();
  let code: number;
  try {
    code = await command.run(argv, { ...io, plugins: CATALOG });
  } catch (e) {
    code = reportError(e, io);
  }
  return { code, out: io.out(), err: io.err() };
}
