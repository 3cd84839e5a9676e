/**
 * The layering ARCHITECTURE.md states, held by reading every import in src/, plugins/ and
 * examples/plugins/ with the TypeScript parser (tests/helpers/imports.ts).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { importCycles, importGraph, importsOf, loadClosure, sourceFiles, type ImportEdge } from './helpers/imports.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * src/ folders from the bottom up. A folder imports only folders of lower floors; the top floor
 * (the entry points) imports anything below it.
 */
const FLOORS: string[][] = [
  ['src/diagnostics'],
  ['src/io', 'src/tokenizer', 'src/recipe'],
  ['src/engine', 'src/quant', 'src/data'],
  ['src/models'],
  ['src/generate', 'src/train'],
  ['src/plan'],
  ['src/plugin-host'],
  ['src/exec'],
  ['src/cli', 'src/plugin-api.ts', 'src/index.ts'],
];

/** The room of a src/ file: its folder under src/, or the file itself at src/'s top. */
function roomOf(file: string): string {
  const parts = file.split('/');
  return parts.length === 2 ? file : `${parts[0]}/${parts[1]}`;
}

function floorOf(room: string): number {
  const i = FLOORS.findIndex((f) => f.includes(room));
  assert.notEqual(i, -1, `${room} is on no floor: add it to FLOORS (and to ARCHITECTURE.md)`);
  return i;
}

const show = (edges: ImportEdge[]): string => edges.map((e) => `${e.from} → ${e.to}`).join('\n');

describe('architecture: the import graph', () => {
  const files = sourceFiles(ROOT, ['src', 'plugins', 'examples/plugins']);
  const edges = importGraph(ROOT, files);
  const project = edges.filter((e) => e.to.endsWith('.ts'));

  it('reads a real graph (hundreds of files, every relative import resolving to a file)', () => {
    assert.ok(files.length > 300, `only ${files.length} files found`);
    const unresolved = project.filter((e) => !files.includes(e.to));
    assert.deepEqual(unresolved, []);
  });

  it('has no import cycles between files', () => {
    assert.deepEqual(importCycles(edges), []);
  });

  it('src/ folders import only folders on lower floors', () => {
    const upward = project.filter((e) => {
      if (!e.from.startsWith('src/') || !e.to.startsWith('src/')) return false;
      const a = roomOf(e.from);
      const b = roomOf(e.to);
      if (a === b) return false;
      const fa = floorOf(a);
      // The entry points may use each other's exports, but nothing imports the CLI.
      return fa < FLOORS.length - 1 ? floorOf(b) >= fa : b === 'src/cli';
    });
    assert.equal(show(upward), '');
  });

  it('the core never imports a plugin, except the CLI entry point loading the shipped set lazily', () => {
    const intoPlugins = project.filter((e) => e.from.startsWith('src/') && !e.to.startsWith('src/'));
    assert.deepEqual(
      intoPlugins.map((e) => ({ from: e.from, to: e.to, dynamic: e.dynamic })),
      [{ from: 'src/cli/main.ts', to: 'plugins/index.ts', dynamic: true }],
    );
  });

  it('plugins reach the core only through its two public surfaces', () => {
    for (const dir of ['plugins/', 'examples/plugins/']) {
      const inward = project.filter((e) => e.from.startsWith(dir) && e.to.startsWith('src/') && e.to !== 'src/index.ts' && e.to !== 'src/plugin-api.ts');
      assert.equal(show(inward), '', `${dir} imports core internals`);
    }
  });

  it('a plugin uses another plugin only through its entry module or generated settings types', () => {
    const across = project.filter((e) => {
      if (!e.from.startsWith('plugins/') || !e.to.startsWith('plugins/')) return false;
      const [, a] = e.from.split('/');
      const [, b, ...rest] = e.to.split('/');
      if (e.from === 'plugins/index.ts' || a === b) return false;
      const file = rest.join('/');
      return !(file === 'index.ts' || (file.endsWith('.generated.ts') && e.typeOnly));
    });
    assert.equal(show(across), '');
  });

  it('validating a recipe loads no TensorFlow.js: the CLI, the plugin API and every plugin entry module', () => {
    const entries = ['src/cli/main.ts', 'src/plugin-api.ts', 'src/recipe/index.ts', 'plugins/index.ts', ...files.filter((f) => /^(examples\/)?plugins\/[^/]+\/index\.ts$/.test(f))];
    for (const entry of entries) {
      const reached = loadClosure(edges, entry);
      const tf = [...reached].filter(([m]) => m.startsWith('@tensorflow/') || m === 'src/index.ts' || m === 'src/engine/index.ts');
      assert.deepEqual(tf.map(([, path]) => path.join(' → ')), [], `${entry} loads the tensor engine`);
    }
  });
});

describe('architecture: the import reader itself', () => {
  it('tells type-only, value and dynamic imports apart and resolves folders to index.ts', () => {
    const text = [
      "import type { A } from './a.js';",
      "import { type B, type C } from './b.js';",
      "import { type D, e } from './d.js';",
      "export { f } from '../plugin-host/index.js';",
      "export type { G } from './g.js';",
      "const m = await import('./lazy.js');",
      "import ts from 'typescript';",
    ].join('\n');
    const edges = importsOf(ROOT, 'src/recipe/x.ts', text).map((e) => `${e.to} ${e.typeOnly ? 'type' : 'value'}${e.dynamic ? ' dynamic' : ''}`);
    assert.deepEqual(edges, [
      'src/recipe/a.ts type',
      'src/recipe/b.ts type',
      'src/recipe/d.ts value',
      'src/plugin-host/index.ts value',
      'src/recipe/g.ts type',
      'src/recipe/lazy.ts value dynamic',
      'typescript value',
    ]);
  });

  it('finds a planted cycle and follows only what loads', () => {
    const e = (from: string, to: string, typeOnly = false, dynamic = false): ImportEdge => ({ from, to, typeOnly, dynamic });
    const edges = [e('a.ts', 'b.ts'), e('b.ts', 'c.ts'), e('c.ts', 'a.ts', true), e('c.ts', 'd.ts', false, true), e('b.ts', '@tensorflow/tfjs-core')];
    assert.deepEqual(importCycles(edges), [['a.ts', 'b.ts', 'c.ts']]);
    assert.deepEqual([...loadClosure(edges, 'a.ts').keys()].sort(), ['@tensorflow/tfjs-core', 'a.ts', 'b.ts', 'c.ts']);
  });
});
