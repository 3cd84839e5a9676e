/**
 * What the example package's tests share: the `tune` CLI run in-process with captured output, recipe
 * files written into a temporary folder, and the paths of the plugins and of the models they train.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { type CliIO, main } from 'tunekit/cli';

const here = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

/** The three plugins of this package, and the test-only recorder. */
export const PLUGINS = { bitfit: here('../bitfit/index.ts'), lion: here('../lion/index.ts'), l2sp: here('../l2sp/index.ts'), record: here('./record.ts') };
/** A tiny GPT-2 with biases (tunekit's parity fixture: 2 layers, hidden 32, vocab 50257) and its tokenizer. */
export const GPT2 = here('../../../tests/fixtures/parity/gpt2/model');
/** The pretrained stories260k Llama (no biases). */
export const STORIES = here('../../../models/stories260k');
export const ALPACA = here('../../data/tiny-alpaca.jsonl');

/** Run `tune <args>` in-process. */
export async function tune(args: string[], cwd = process.cwd()): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void): Writable =>
    new Writable({
      write(chunk: Buffer | string, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  const io: CliIO = { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), cwd, env: { ...process.env, CI: '1' } };
  const code = await main(args, io);
  return { code, out, err };
}

/** A temporary folder per test, removed afterwards. */
export function scratch(): { dir: () => string; write: (name: string, text: string) => string } {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tunekit-examples-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir: () => dir,
    write: (name, text) => {
      const file = join(dir, name);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, text);
      return file;
    },
  };
}

/** The `type: train` lines of a run's metrics.jsonl. */
export function trainLines(outputDir: string): { step: number; loss: number; lossTerms?: Record<string, number> }[] {
  return readFileSync(join(outputDir, 'metrics.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; step: number; loss: number; lossTerms?: Record<string, number> })
    .filter((l) => l.type === 'train');
}

/** What tests/record.ts wrote: each optimizer update, tensor by tensor. */
export interface Recorded {
  steps: { step: number; learningRate: number; applied: Record<string, number[]> }[];
}

export const recorded = (outputDir: string): Recorded => JSON.parse(readFileSync(join(outputDir, 'record.json'), 'utf8')) as Recorded;
