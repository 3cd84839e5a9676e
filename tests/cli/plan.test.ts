import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';
import { assertGuardWorks, runCliWithoutTfjs } from '../helpers/no-tfjs.js';

const REPO = resolve(import.meta.dirname, '../..');
const HF_HOME = mkdtempSync(join(tmpdir(), 'plan-cli-hf-')); // an empty Hub cache: offline from built-ins only

async function run(args: string[], cwd = REPO): Promise<{ code: number; out: string; err: string }> {
  const io = captureIO(cwd, { HF_HOME });
  const code = await main(['plan', ...args], io);
  return { code, out: io.out(), err: io.err() };
}

describe('tune plan', () => {
  it('prints the collapsed module tree, parameters, steps and the memory table (stories LoRA)', async () => {
    const r = await run(['recipes/tiny/stories-lora.yaml']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ {2}model\.layers\.\{0\.\.4\}\.self_attn\.q_proj +Linear 64→64 +lora r=8 +4\.1K \+1\.0K +×5$/m);
    assert.match(r.out, /^ {2}model\.layers\.\{0\.\.4\}\.mlp\.up_proj +Linear 64→172 +frozen +11\.0K +×5$/m);
    assert.match(r.out, /^ {2}trainable +17,920 +6\.45% of 277,952$/m);
    assert.match(r.out, /; 7 steps\/epoch; max_steps 60 → 60 steps$/m);
    assert.match(r.out, /^ {2}total +\d/m);
    assert.match(r.out, /^ {2}this machine \(\d+ cores, [\d.]+ GiB\): fits$/m);
  });

  it('plans MPT-30B QLoRA offline from the built-in config and shows the wasm verdict', async () => {
    const r = await run(['recipes/mpt30b-qlora.yaml', 'engine.backend=wasm']);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^ {2}transformer\.blocks\.\{0\.\.47\}\.ffn\.up_proj +Linear 7168→28672 +nf4\+lora r=64 +205\.52M \+2\.29M +×48$/m);
    assert.match(r.out, /^ {2}weights +16\.39 GiB +14\.22 GiB 4-bit \(host\) \+ 2\.17 GiB float32$/m);
    assert.match(r.out, /^ {2}frozen +29,957,200,896 +29,595,009,024 stored 4-bit$/m);
    assert.match(r.out, /^ {2}wasm heap \(4\.00 GiB cap\): needs [\d.]+ GiB — does NOT fit/m);
    assert.match(r.out, /paged_adamw_8bit: paging .* no meaning/);
    assert.match(r.out, /training rows unknown; \? steps\/epoch; 3 epochs → \? steps/);
  });

  it('--format json prints the Plan', async () => {
    const r = await run(['--format', 'json', 'recipes/tiny/stories-full.yaml', 'engine.backend=cpu']);
    assert.equal(r.code, 0, r.err);
    const plan = JSON.parse(r.out) as { parameters: { trainable: number; total: number }; engine: { backend: string }; modules: unknown[]; memory: { wasm: unknown } };
    assert.equal(plan.parameters.trainable, 260_032);
    assert.equal(plan.parameters.total, 260_032);
    assert.equal(plan.engine.backend, 'cpu');
    assert.equal(plan.memory.wasm, null);
    assert.equal(plan.modules.length, 1 + 5 * 9 + 2);
  });

  it('a Hub model neither cached nor built in fails with PLAN_CONFIG_UNAVAILABLE at model.base', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-cli-'));
    writeFileSync(
      join(dir, 'r.yaml'),
      ['recipe_version: 1', 'model:', '  base: someorg/not-a-known-model', 'data:', '  datasets:', '    - path: someorg/data', '      format: alpaca', 'method:', '  kind: lora', ''].join('\n'),
    );
    const r = await run(['r.yaml'], dir);
    assert.equal(r.code, 1);
    assert.equal(r.out, '');
    assert.match(r.err, /^r\.yaml:3:9: error PLAN_CONFIG_UNAVAILABLE no config\.json for `someorg\/not-a-known-model@main`: not in the Hub cache and not built in$/m);
    assert.match(r.err, /hint: download it once with network access .* or point model\.base at a local folder/);
  });

  it('a bad key in model.config is reported at its recipe position', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plan-cli-'));
    const lines = ['recipe_version: 1', 'model:', '  init: random', '  config:', '    model_type: gpt2', '    n_layer: two', 'tokenizer:', `  path: ${join(REPO, 'models/stories260k')}`];
    writeFileSync(join(dir, 'r.yaml'), [...lines, 'data:', '  datasets:', '    - path: someorg/data', '      format: alpaca', 'method:', '  kind: full', ''].join('\n'));
    const r = await run(['r.yaml', '--no-data'], dir);
    assert.equal(r.code, 1);
    assert.match(r.err, /^r\.yaml:6:14: error MODEL_CONFIG_INVALID `n_layer` must be a number$/m);
  });

  it('exits 2 on usage errors', async () => {
    assert.equal((await run([])).code, 2);
    assert.equal((await run(['--format', 'xml', 'recipes/tiny/stories-lora.yaml'])).code, 2);
    assert.equal((await run(['recipes/tiny/stories-lora.yaml', 'recipes/tiny/stories-full.yaml'])).code, 2);
    assert.equal((await run(['--help'])).code, 0);
  });

  it('never loads TensorFlow.js', function () {
    this.timeout(30000);
    assertGuardWorks(REPO);
    for (const recipe of ['recipes/tiny/stories-qlora.yaml', 'recipes/mpt30b-qlora.yaml']) {
      const child = runCliWithoutTfjs(['plan', recipe], REPO, { ...process.env, HF_HOME });
      assert.equal(child.status, 0, child.stderr);
      assert.match(child.stdout, /^memory \(estimate for/m);
    }
  });
});
