import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { definePlugin, loadPlugins, createDriver, type TunePluginHooks, type Plugin } from '../../src/plugin-host/index.js';
import { TuneError } from '../../src/diagnostics/index.js';
import { resolveRecipeObject } from '../../src/recipe/load.js';

/** The recipe the plugins are set up with. */
const RECIPE = resolveRecipeObject({ recipe_version: 1, model: { base: 'models/stories260k' }, data: { datasets: [{ path: 'examples/data/tiny-alpaca.jsonl' }] }, method: { kind: 'lora' } });

const pluginModule = pathToFileURL(join(process.cwd(), 'src/plugin-host/index.ts')).href;

describe('plugin/loader', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'plugins-'));
    writeFileSync(
      join(dir, 'counter.ts'),
      `import { definePlugin } from ${JSON.stringify(pluginModule)};
export default definePlugin({
  name: 'counter', version: '1.0.0',
  options: { type: 'object', properties: { every: { type: 'integer', minimum: 1, default: 2 } }, additionalProperties: false },
  setup: (o: { every: number }) => ({ log: (r) => { (globalThis as any).__counter = [o.every, r['x']]; } }),
});\n`,
    );
    writeFileSync(join(dir, 'broken.mjs'), 'throw new Error("syntax? no: runtime");\n');
    writeFileSync(join(dir, 'plain.mjs'), 'export default { name: "plain" };\n');
    const pkg = join(dir, 'node_modules', '@team', 'tk-plugin');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@team/tk-plugin', type: 'module', exports: { '.': { import: './main.js' } } }));
    writeFileSync(join(pkg, 'main.js'), `import { definePlugin } from ${JSON.stringify(pluginModule)};\nexport default definePlugin({ name: '@team/tk-plugin', version: '0.1.0', setup: () => ({}) });\n`);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const builtins = new Map<string, Plugin<never, TunePluginHooks>>([['builtin', definePlugin({ name: 'builtin', version: '1.0.0', setup: () => ({}) }) as Plugin<never, TunePluginHooks>]]);
  const at = { file: 'recipe.yaml', line: 7, col: 5 };

  it('loads built-in, relative TypeScript and npm-package plugins; applies option defaults', async () => {
    const loaded = await loadPlugins<TunePluginHooks>([{ use: 'builtin' }, { use: './counter.ts' }, { use: '@team/tk-plugin' }], { baseDir: dir, builtins, recipe: RECIPE });
    assert.deepEqual(loaded.map((p) => p.name), ['builtin', 'counter', '@team/tk-plugin']);
    await createDriver(loaded).hookParallel('log', { x: 1 });
    assert.deepEqual((globalThis as { __counter?: unknown }).__counter, [2, 1]);
  });

  it('a missing plugin is PLUGIN_NOT_FOUND at the entry position', async () => {
    await assert.rejects(loadPlugins([{ use: './nope.ts', at }], { baseDir: dir, builtins, recipe: RECIPE }), (e: unknown) => {
      const d = (e as TuneError).diagnostics[0];
      return d?.code === 'PLUGIN_NOT_FOUND' && d.line === 7 && d.col === 5;
    });
    await assert.rejects(loadPlugins([{ use: 'not-installed-anywhere', at }], { baseDir: dir, builtins, recipe: RECIPE }), /PLUGIN_NOT_FOUND/);
  });

  it('a module that throws or exports no plugin is PLUGIN_LOAD_FAILED', async () => {
    await assert.rejects(loadPlugins([{ use: './broken.mjs', at }], { baseDir: dir, builtins, recipe: RECIPE }), (e: unknown) => e instanceof TuneError && e.code === 'PLUGIN_LOAD_FAILED' && /runtime/.test(e.message));
    await assert.rejects(loadPlugins([{ use: './plain.mjs', at }], { baseDir: dir, builtins, recipe: RECIPE }), (e: unknown) => e instanceof TuneError && e.code === 'PLUGIN_LOAD_FAILED' && /does not export a plugin/.test(e.message));
  });

  it('options are validated by the plugin schema with recipe positions', async () => {
    const locateOption = (p: string) => (p === '/evry' ? { file: 'recipe.yaml', line: 9, col: 9 } : p === '/every' ? { file: 'recipe.yaml', line: 10, col: 16 } : undefined);
    await assert.rejects(loadPlugins([{ use: './counter.ts', options: { evry: 3, every: 0 }, at, locateOption }], { baseDir: dir, builtins, recipe: RECIPE }), (e: unknown) => {
      const ds = (e as TuneError).diagnostics.map((d) => `${d.code}@${d.line}:${d.col} ${d.message}`);
      assert.deepEqual(ds.sort(), ['PLUGIN_INVALID_OPTIONS@10:16 plugin `counter`: option `/every` must be >= 1', 'PLUGIN_INVALID_OPTIONS@9:9 plugin `counter`: unknown option `evry`']);
      return true;
    });
  });

  it('the same plugin twice is PLUGIN_DUPLICATE', async () => {
    await assert.rejects(loadPlugins([{ use: 'builtin' }, { use: 'builtin', at }], { baseDir: dir, builtins, recipe: RECIPE }), /PLUGIN_DUPLICATE/);
  });
});
