/**
 * `npm run bench`: tokens/s and peak RSS of the standard shapes (bench/shapes.ts) on every available
 * backend, each case in its own process, side by side with the PyTorch reference
 * (bench/torch_reference.py) when python3 can import torch. Writes bench/results/bench-<time>.json.
 *
 *   npm run bench -- [--backends native,wasm] [--shapes gpt2-lora,tiny-lora] [--steps N] [--threads N] [--no-torch] [--out FILE]
 * `--threads N` runs the native engine and PyTorch on N threads (default: every core); on a machine
 * shared with other work, 1 thread can beat 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadNativeAddon } from '../src/engine/native/addon.js';
import { SHAPES } from './shapes.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    backends: { type: 'string' },
    shapes: { type: 'string' },
    steps: { type: 'string' },
    'no-torch': { type: 'boolean', default: false },
    out: { type: 'string' },
    timeout: { type: 'string', default: '300' },
    threads: { type: 'string' },
  },
});

const available = [...(loadNativeAddon().addon ? ['native'] : []), 'wasm', 'cpu'];
const backends = values.backends ? values.backends.split(',') : available;
const shapes = values.shapes ? SHAPES.filter((s) => values.shapes!.split(',').includes(s.id)) : SHAPES.filter((s) => s.optIn !== true);
const timeoutMs = Number(values.timeout) * 1000;

type Row = Record<string, unknown> & { shape: string; backend: string; tokensPerSecond?: number; peakRssBytes?: number; error?: string };

function parseBench(stdout: string): Record<string, unknown> | null {
  const line = stdout.split('\n').find((l) => l.startsWith('BENCH '));
  return line ? (JSON.parse(line.slice(6)) as Record<string, unknown>) : null;
}

function run(cmd: string, args: string[]): { out: Record<string, unknown> | null; err: string } {
  const env = values.threads ? { ...process.env, TUNEKIT_THREADS: values.threads } : process.env;
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20, env });
  const lines = `${r.stderr ?? ''}`.split('\n').filter((l) => /^\w*Error\b|^TuneError|Error:/.test(l.trim()) && l.length < 400);
  const err = r.error ? String(r.error.message) : r.status !== 0 ? (lines[lines.length - 1] ?? `exit ${r.status}`).trim() : '';
  return { out: parseBench(r.stdout ?? ''), err: r.signal ? `killed (${r.signal}) after ${values.timeout}s` : err };
}

function findTorchPython(): string | null {
  for (const py of [process.env['TUNEKIT_PYTHON'], 'python3', '/usr/bin/python3']) {
    if (!py) continue;
    const r = spawnSync(py, ['-c', 'import torch'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return null;
}

const python = values['no-torch'] ? null : findTorchPython();
const torchNote = python ? `PyTorch reference: ${python}` : values['no-torch'] ? 'PyTorch reference: skipped (--no-torch)' : 'PyTorch reference missing: python3 cannot import torch (apt-get install -y python3-torch)';
process.stdout.write(`${torchNote}\nbackends: ${backends.join(', ')}\n`);

// Measure compiled JavaScript, as `tune` runs it (dist/): the TypeScript loader alone adds ~35 MB of
// RSS, which would be charged to tunekit in the comparison. Falls back to tsx if tsc fails.
const compiled = join(root, 'bench', '.build', 'bench', 'measure.js');
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'bench', 'tsconfig.measure.json')], { encoding: 'utf8' });
const measureCommand = tsc.status === 0 && existsSync(compiled) ? [compiled] : ['--import', 'tsx', 'bench/measure.ts'];
if (measureCommand.length > 1) process.stdout.write(`measuring through tsx (compiling bench/measure.ts failed: ${(tsc.stdout || tsc.stderr || '').split('\n')[0]})\n`);

const rows: Row[] = [];
for (const shape of shapes) {
  const spec = { ...shape, ...(values.steps ? { steps: Number(values.steps) } : {}) };
  for (const backend of backends) {
    if (shape.skip?.includes(backend)) continue;
    const r = run(process.execPath, [...measureCommand, shape.id, backend, String(spec.steps)]);
    const row: Row = { shape: shape.id, backend, ...(r.out ?? {}), ...(r.out ? {} : { error: r.err || 'no result' }) };
    rows.push(row);
    report(row);
  }
  if (python) {
    const r = run(python, ['bench/torch_reference.py', JSON.stringify(spec), ...(values.threads ? ['--threads', values.threads] : [])]);
    const row: Row = { shape: shape.id, backend: 'pytorch', ...(r.out ?? {}), ...(r.out ? {} : { error: r.err || 'no result' }) };
    rows.push(row);
    report(row);
  }
}

function report(row: Row): void {
  const tps = row.tokensPerSecond !== undefined ? row.tokensPerSecond.toFixed(1) : '—';
  const rss = row.peakRssBytes !== undefined ? `${(row.peakRssBytes / 2 ** 20).toFixed(0)} MiB` : '—';
  process.stdout.write(`  ${row.shape.padEnd(16)} ${row.backend.padEnd(8)} ${tps.padStart(9)} tok/s  peak RSS ${rss.padStart(10)}${row.error ? `  ERROR ${row.error}` : ''}\n`);
}

process.stdout.write('\nshape             backend     tok/s   peak RSS   × PyTorch\n');
for (const row of rows) {
  const ref = rows.find((r) => r.shape === row.shape && r.backend === 'pytorch');
  const ratio = ref?.tokensPerSecond && row.tokensPerSecond ? `${(row.tokensPerSecond / ref.tokensPerSecond).toFixed(2)}×` : python ? '—' : 'reference missing';
  const tps = row.tokensPerSecond?.toFixed(1) ?? 'error';
  const rss = row.peakRssBytes ? `${(row.peakRssBytes / 2 ** 20).toFixed(0)} MiB` : '—';
  process.stdout.write(`${row.shape.padEnd(17)} ${row.backend.padEnd(8)} ${tps.padStart(9)} ${rss.padStart(10)}   ${ratio}\n`);
}
const outFile = values.out ?? join(root, 'bench', 'results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(dirname(outFile), { recursive: true });
writeFileSync(outFile, `${JSON.stringify({ date: new Date().toISOString(), node: process.version, threads: values.threads ?? 'all cores', torch: python !== null, rows }, null, 2)}\n`);
process.stdout.write(`\nwrote ${outFile}\n`);
