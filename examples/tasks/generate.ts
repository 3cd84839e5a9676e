/**
 * A generated Alpaca-format task set whose answers can be checked exactly: arithmetic, string
 * transformations, unit conversions, counting. The embedded default recipe fine-tunes on it and
 * `tune eval --metric exact_match` scores a model on its held-out split.
 *
 * Run: `node --import tsx examples/tasks/generate.ts [OUT_DIR] [--train N] [--test N] [--seed S]`
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface AlpacaRow {
  instruction: string;
  input: string;
  output: string;
}

/** Words a TinyStories model knows well. */
const WORDS = [
  'cat', 'dog', 'sun', 'tree', 'ball', 'bird', 'fish', 'cake', 'park', 'toy', 'boat', 'moon', 'star', 'frog', 'duck',
  'book', 'hat', 'car', 'cup', 'box', 'bear', 'milk', 'rain', 'leaf', 'door', 'home', 'girl', 'boy', 'mom', 'dad',
  'happy', 'big', 'red', 'blue', 'green', 'little', 'jump', 'run', 'play', 'sing',
];

/** Deterministic 32-bit PRNG (mulberry32): the same seed gives the same task set everywhere. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Task = (r: () => number) => AlpacaRow;
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

export const TASKS: Readonly<Record<string, Task>> = {
  add: (r) => {
    const a = int(r, 0, 9);
    const b = int(r, 0, 9);
    return { instruction: 'Add the two numbers.', input: `${a} + ${b}`, output: String(a + b) };
  },
  subtract: (r) => {
    const a = int(r, 5, 19);
    const b = int(r, 0, 5);
    return { instruction: 'Subtract the second number from the first.', input: `${a} - ${b}`, output: String(a - b) };
  },
  next: (r) => {
    const a = int(r, 0, 98);
    return { instruction: 'What number comes after this one?', input: String(a), output: String(a + 1) };
  },
  upper: (r) => {
    const w = pick(r, WORDS);
    return { instruction: 'Write the word in capital letters.', input: w, output: w.toUpperCase() };
  },
  reverse: (r) => {
    const w = pick(r, WORDS.filter((x) => x.length <= 4));
    return { instruction: 'Write the letters of the word in reverse order.', input: w, output: [...w].reverse().join('') };
  },
  count: (r) => {
    const w = pick(r, WORDS);
    return { instruction: 'How many letters does the word have?', input: w, output: String(w.length) };
  },
  km: (r) => {
    const k = int(r, 1, 9);
    return { instruction: 'Convert kilometres to metres.', input: `${k} km`, output: `${k * 1000} m` };
  },
  first: (r) => {
    const w = pick(r, WORDS);
    return { instruction: 'What is the first letter of the word?', input: w, output: w[0] as string };
  },
};

/** `n` rows cycling through the task kinds in a seeded order. */
export function generateTasks(n: number, seed: number): AlpacaRow[] {
  const r = mulberry32(seed);
  const kinds = Object.keys(TASKS);
  return Array.from({ length: n }, (_, i) => (TASKS[kinds[i % kinds.length] as string] as Task)(r));
}

/** Train and test splits with no (instruction, input) pair shared between them. */
export function generateSplits(train: number, test: number, seed: number): { train: AlpacaRow[]; test: AlpacaRow[] } {
  const testRows = dedupe(generateTasks(test * 3, seed + 1)).slice(0, test);
  const held = new Set(testRows.map(key));
  const trainRows = generateTasks(train * 2, seed).filter((x) => !held.has(key(x))).slice(0, train);
  return { train: trainRows, test: testRows };
}

function key(x: AlpacaRow): string {
  return `${x.instruction}\u0000${x.input}`;
}

function dedupe(rows: AlpacaRow[]): AlpacaRow[] {
  const seen = new Set<string>();
  return rows.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}

export const toJsonl = (rows: readonly AlpacaRow[]): string => rows.map((x) => JSON.stringify(x)).join('\n') + '\n';

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { train: { type: 'string', default: '2000' }, test: { type: 'string', default: '80' }, seed: { type: 'string', default: '7' } } });
  const out = positionals[0] ?? 'examples/data';
  const { train, test } = generateSplits(Number(values.train), Number(values.test), Number(values.seed));
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'tasks-train.jsonl'), toJsonl(train));
  writeFileSync(join(out, 'tasks-test.jsonl'), toJsonl(test));
  process.stdout.write(`wrote ${train.length} training and ${test.length} test rows to ${out}\n`);
}
