/**
 * A generated Alpaca-format task set whose answers can be checked exactly: arithmetic, comparisons,
 * copying and picking words, unit conversions. The embedded default recipe fine-tunes on it and
 * `tune eval --metric exact_match` scores a model on its held-out split.
 *
 * Run: `node --import tsx examples/tasks/generate.ts [OUT_DIR] [--train N] [--test-per-task N] [--seed S]`
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { seededRandom } from '../../src/index.js';

export interface AlpacaRow {
  instruction: string;
  input: string;
  output: string;
}

/** Words a TinyStories model knows well. */
const WORDS = [
  'cat', 'dog', 'sun', 'tree', 'ball', 'bird', 'fish', 'cake', 'park', 'toy', 'boat', 'moon', 'star', 'frog', 'duck',
  'book', 'hat', 'car', 'cup', 'box', 'bear', 'milk', 'rain', 'leaf', 'door', 'home', 'girl', 'boy', 'mom', 'dad',
  'happy', 'big', 'red', 'blue', 'green', 'little', 'jump', 'run', 'play', 'sing', 'bed', 'pig', 'cow', 'hen', 'sky',
  'sea', 'sand', 'shoe', 'kite', 'lamp', 'rose', 'king', 'cold', 'warm', 'fast', 'slow', 'good', 'kind', 'nice', 'fun',
];

/** A task family: every input it can ask about, and the row for one input. */
interface Task {
  inputs: readonly string[];
  row(input: string): AlpacaRow;
}

const range = (lo: number, hi: number): number[] => Array.from({ length: hi - lo + 1 }, (_, i) => lo + i);
const pairs = (a: number[], b: number[], op: string): string[] => a.flatMap((x) => b.map((y) => `${x} ${op} ${y}`));

/**
 * Task families a tiny model can learn in minutes AND apply to inputs it never saw: copying,
 * positional picks, digit patterns, small arithmetic. (Per-word string tricks like upper-casing are
 * left out on purpose: with a BPE vocabulary they can only be memorised word by word.)
 */
export const TASKS: Readonly<Record<string, Task>> = {
  add: { inputs: pairs(range(0, 9), range(0, 9), '+'), row: (i) => ({ instruction: 'Add the two numbers.', input: i, output: String(eval2(i)) }) },
  larger: {
    inputs: range(0, 9).flatMap((a) => range(0, 9).filter((b) => b !== a).map((b) => `${a} and ${b}`)),
    row: (i) => ({ instruction: 'Which number is larger?', input: i, output: String(Math.max(...i.split(' and ').map(Number))) }),
  },
  next: { inputs: range(0, 98).map(String), row: (i) => ({ instruction: 'What number comes after this one?', input: i, output: String(Number(i) + 1) }) },
  km: { inputs: range(1, 99).map((k) => `${k} km`), row: (i) => ({ instruction: 'Convert kilometres to metres.', input: i, output: `${Number(i.split(' ')[0]) * 1000} m` }) },
  repeat: { inputs: WORDS, row: (w) => ({ instruction: 'Repeat the word.', input: w, output: w }) },
  twice: { inputs: WORDS, row: (w) => ({ instruction: 'Write the word two times.', input: w, output: `${w} ${w}` }) },
  first: {
    inputs: WORDS.flatMap((a, i) => [WORDS[(i + 7) % WORDS.length], WORDS[(i + 19) % WORDS.length]].map((b) => `${a}, ${b}, ${WORDS[(i + 31) % WORDS.length]}`)),
    row: (i) => ({ instruction: 'Which word comes first in the list?', input: i, output: i.split(', ')[0] as string }),
  },
  last: {
    inputs: WORDS.flatMap((a, i) => [WORDS[(i + 11) % WORDS.length], WORDS[(i + 23) % WORDS.length]].map((b) => `${WORDS[(i + 37) % WORDS.length]}, ${b}, ${a}`)),
    row: (i) => ({ instruction: 'Which word comes last in the list?', input: i, output: i.split(', ')[2] as string }),
  },
};

function eval2(s: string): number {
  const [a, op, b] = s.split(' ');
  return op === '+' ? Number(a) + Number(b) : Number(a) - Number(b);
}

function shuffled<T>(xs: readonly T[], r: () => number): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Train and test rows from disjoint inputs: each task's input space is shuffled with the seed and
 * `testFraction` of it is held out, so every test question is one the model never saw in training
 * (it must have learnt the task, not the answer).
 */
export function generateSplits(train: number, testPerTask: number, seed: number, testFraction = 0.2): { train: AlpacaRow[]; test: AlpacaRow[] } {
  const r = seededRandom(seed);
  const kinds = Object.keys(TASKS);
  const parts = kinds.map((k) => {
    const task = TASKS[k] as Task;
    const all = shuffled(task.inputs, r);
    const nTest = Math.max(1, Math.round(all.length * testFraction));
    return { task, test: all.slice(0, nTest), train: all.slice(nTest) };
  });
  const trainRows = Array.from({ length: train }, (_, i) => {
    const p = parts[i % parts.length] as (typeof parts)[number];
    return p.task.row(p.train[Math.floor(r() * p.train.length)] as string);
  });
  const testRows = parts.flatMap((p) => p.test.slice(0, testPerTask).map((x) => p.task.row(x)));
  return { train: trainRows, test: testRows };
}

export const toJsonl = (rows: readonly AlpacaRow[]): string => rows.map((x) => JSON.stringify(x)).join('\n') + '\n';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { train: { type: 'string', default: '2000' }, 'test-per-task': { type: 'string', default: '10' }, seed: { type: 'string', default: '7' } } });
  const out = positionals[0] ?? 'examples/data';
  const { train, test } = generateSplits(Number(values.train), Number(values['test-per-task']), Number(values.seed));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'tasks-train.jsonl'), toJsonl(train));
  writeFileSync(join(out, 'tasks-test.jsonl'), toJsonl(test));
  process.stdout.write(`wrote ${train.length} training and ${test.length} test rows to ${out}\n`);
}
