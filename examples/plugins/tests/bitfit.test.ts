import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors } from 'tunekit';
import { ALPACA, GPT2, PLUGINS, STORIES, scratch, tune } from './helpers.js';

/**
 * The tiny GPT-2's biases by hand (n_embd 32, n_inner 4·32, 2 layers): per layer ln_1 32, c_attn
 * 3·32, attn.c_proj 32, ln_2 32, c_fc 128, mlp.c_proj 32 = 352; two layers and ln_f 32 → 736 of the
 * model's 50257·32 + 64·32 + 2·12,704 + 64 = 1,635,744 parameters, in 6·2 + 1 = 13 tensors.
 */
const BIASES = 2 * (32 + 96 + 32 + 32 + 128 + 32) + 32;
const TOTAL = 50257 * 32 + 64 * 32 + 2 * (64 + (32 * 96 + 96) + (32 * 32 + 32) + 64 + (32 * 128 + 128) + (128 * 32 + 32)) + 64;

interface PlanJson {
  parameters: { trainable: number; total: number };
  tensors: { name: string; trainable: boolean }[];
  modules: { path: string; placement: string }[];
  method: { kind: string; summary: string[] };
  diagnostics: { code: string; line?: number; col?: number; message: string }[];
}

describe('examples/plugins/bitfit', () => {
  const tmp = scratch();
  const recipe = (method: string, opts: { model?: string; sequenceLen?: number; optimizer?: string; output?: string; name?: string } = {}): string =>
    tmp.write(
      opts.name ?? 'recipe.yaml',
      `recipe_version: 1
plugins:
  - use: ${PLUGINS.bitfit}
model: { base: ${opts.model ?? GPT2} }
data:
  datasets: [{ path: ${ALPACA}, format: alpaca }]
  sequence_len: ${opts.sequenceLen ?? 64}
method:
${method}
optimizer: ${opts.optimizer ?? '{ name: sgd, lr: 0.1 }'}
schedule: { name: constant }
training: { max_steps: 3, micro_batch_size: 8 }
logging: { progress: none }
output: ${opts.output ?? '{ dir: out }'}
`,
    );
  const plan = async (file: string): Promise<{ code: number; plan: PlanJson; err: string }> => {
    const r = await tune(['plan', '--format', 'json', file]);
    return { code: r.code, plan: JSON.parse(r.out || '{}') as PlanJson, err: r.err };
  };

  it('plans exactly the biases: 736 of 1,635,744 parameters, 13 tensors, as counted by hand', async () => {
    const { code, plan: p, err } = await plan(recipe('  kind: bitfit'));
    assert.equal(code, 0, err);
    assert.equal(BIASES, 736);
    assert.equal(p.parameters.trainable, BIASES);
    assert.equal(p.parameters.total, TOTAL);
    const trained = p.tensors.filter((t) => t.trainable).map((t) => t.name);
    assert.equal(trained.length, 13);
    assert.ok(trained.every((n) => n.endsWith('.bias')));
    assert.deepEqual(p.modules.filter((m) => m.placement === 'bitfit').length, 13);
    assert.deepEqual(p.method.summary, ['BitFit: 13 bias tensors (736 parameters) train; every weight is frozen']);
  });

  it('`only` trains a subset (query/key/value and MLP-in biases: 2 · (96 + 128) = 448)', async () => {
    const { plan: p } = await plan(recipe("  kind: bitfit\n  bitfit: { only: ['attn\\.c_attn\\.bias', 'mlp\\.c_fc\\.bias'] }"));
    assert.equal(p.parameters.trainable, 2 * (96 + 128));
  });

  it('reports, with positions: a bad regex, a pattern that matches nothing, a model without biases, the block on another kind, a typo', async () => {
    const regex = await tune(['validate', recipe("  kind: bitfit\n  bitfit: { only: ['('] }")]);
    assert.equal(regex.code, 1);
    assert.match(regex.err, /recipe\.yaml:10:20: error RECIPE_REGEX invalid regular expression: \/\(\/u?: Unterminated group/);

    const nothing = await plan(recipe("  kind: bitfit\n  bitfit:\n    only:\n      - c_attn\n      - no_such_bias"));
    assert.equal(nothing.code, 1);
    assert.deepEqual(
      nothing.plan.diagnostics.map((d) => [d.code, d.line, d.col, d.message]),
      [['BITFIT_ONLY_MATCHES_NOTHING', 13, 9, '`no_such_bias` matches no bias of the model']],
    );

    const llama = await plan(recipe('  kind: bitfit', { model: STORIES, sequenceLen: 256 }));
    assert.equal(llama.code, 1);
    assert.deepEqual(
      llama.plan.diagnostics.map((d) => [d.code, d.line, d.col, d.message]),
      [['BITFIT_NO_BIASES', 9, 9, 'llama has no bias parameters: BitFit would train nothing']],
    );

    const other = await tune(['validate', recipe('  kind: lora\n  bitfit: {}')]);
    assert.equal(other.code, 1);
    assert.match(other.err, /recipe\.yaml:10:3: error RECIPE_NOT_ALLOWED `method\.bitfit` is only allowed with `method\.kind: bitfit`/);
    assert.match(other.err, /hint: remove the `bitfit` block, or set `method\.kind: bitfit`/);

    const typo = await tune(['validate', recipe('  kind: bitfit\n  bitfit: { olny: [] }')]);
    assert.match(typo.err, /recipe\.yaml:10:13: error RECIPE_UNKNOWN_KEY unknown key `olny` in `method\.bitfit`[^]*hint: did you mean `only`\?/);
  });

  it('trains only the biases and exports both a bias delta and a full HF folder that agree with the base', async () => {
    const file = recipe('  kind: bitfit', { output: '{ dir: out, export: [bias_delta, full] }' });
    const r = await tune(['run', file]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /model: gpt2, 1,635,744 parameters, 736 trainable/);
    const out = join(tmp.dir(), 'out');
    const base = await loadSafetensors(join(GPT2, 'model.safetensors'));
    const full = await loadSafetensors(join(out, 'model', 'model.safetensors'));
    const delta = await loadSafetensors(join(out, 'bias_delta', 'bias_delta.safetensors'));
    const names = [...delta.keys()].sort();
    assert.equal(names.length, 13);
    let changed = 0;
    for (const [name, t] of full) {
      const b = base.get(name) ?? base.get(name.replace(/^transformer\./, ''));
      assert.ok(b, `${name} is not in the base checkpoint`);
      const now = t.data as Float32Array;
      const was = b.data as Float32Array;
      if (!name.endsWith('.bias')) {
        // Frozen weights come out bit for bit.
        assert.deepEqual(Buffer.from(now.buffer, now.byteOffset, now.byteLength), Buffer.from(was.buffer, was.byteOffset, was.byteLength), name);
        continue;
      }
      const d = delta.get(name)!.data as Float32Array;
      for (let i = 0; i < now.length; i++) {
        // base + delta reproduces the trained bias to float32 rounding.
        assert.ok(Math.abs(was[i]! + d[i]! - now[i]!) <= 2 ** -23 * Math.max(Math.abs(now[i]!), Math.abs(was[i]!)), `${name}[${i}]`);
        if (d[i] !== 0) changed++;
      }
    }
    assert.ok(changed > BIASES / 2, `only ${changed} bias entries changed`);
    const config = JSON.parse(readFileSync(join(out, 'bias_delta', 'bitfit_config.json'), 'utf8')) as { method: string; base_model_name_or_path: string; tensors: string[] };
    assert.equal(config.method, 'bitfit');
    assert.equal(config.base_model_name_or_path, GPT2);
    assert.deepEqual([...config.tensors].sort(), names);
  });

  it('`output.export` takes the plugin’s own kind and only the kinds bitfit writes', async () => {
    const adapter = await tune(['validate', recipe('  kind: bitfit', { output: '{ dir: out, export: [adapter] }' })]);
    assert.equal(adapter.code, 1);
    assert.match(adapter.err, /error RECIPE_NOT_ALLOWED `method\.kind: bitfit`: `output\.export` can only contain `bias_delta` or `full`/);
    const lora = await tune(['validate', recipe('  kind: lora', { output: '{ dir: out, export: [bias_delta] }' })]);
    assert.equal(lora.code, 1);
    assert.match(lora.err, /`method\.kind: lora`: `output\.export` can only contain `adapter`, `merged` or `full`/);
  });
});
