import { Writable } from 'node:stream';
import type { CliIO } from '../../src/cli/command.js';

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
