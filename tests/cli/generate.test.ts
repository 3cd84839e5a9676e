import { strict as assert } from 'node:assert';
import { command } from '../../src/cli/generate.js';
import { runCommand } from '../helpers/io.js';
import { ARCHS, generationGolden, goldenJson, modelDir } from '../models/parity-fixture.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCommand(command, args.slice(1));
}

describe('tune generate', () => {
  for (const arch of ARCHS) {
    it(`${arch}: --input-ids --format json prints the golden greedy ids`, async () => {
      const g = generationGolden(arch);
      const r = await run(['generate', '--model', modelDir(arch), '--input-ids', g.prompt_ids.join(','), '--max-new-tokens', '8', '--format', 'json', '--backend', 'wasm']);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out) as { prompt_ids: number[]; generated_ids: number[]; finish_reason: string };
      assert.deepEqual(j.prompt_ids, g.prompt_ids);
      assert.deepEqual(j.generated_ids, g.new_token_ids);
    });
  }

  it('gpt2: --prompt streams the golden text (tokenizer from the model folder)', async () => {
    const g = goldenJson<{ generated_text: string; new_token_ids: number[] }>('gpt2', 'generation.json');
    const r = await run(['generate', '--model', modelDir('gpt2'), '--prompt', 'Once upon a time', '--max-new-tokens', '8', '--backend', 'cpu']);
    assert.equal(r.code, 0, r.err);
    assert.equal(r.out, `${g.generated_text}\n`);
    const j = await run(['generate', '--model', modelDir('gpt2'), '--prompt', 'Once upon a time', '--max-new-tokens', '8', '--format', 'json', '--backend', 'cpu']);
    const parsed = JSON.parse(j.out) as { prompt_ids: number[]; generated_ids: number[]; text: string };
    assert.deepEqual(parsed.prompt_ids, [7454, 2402, 257, 640]);
    assert.deepEqual(parsed.generated_ids, g.new_token_ids);
    assert.equal(parsed.text, g.generated_text);
  });

  it('sampling with a seed is reproducible; --temperature 0 is greedy', async () => {
    const g = generationGolden('llama');
    const args = ['generate', '--model', modelDir('llama'), '--input-ids', g.prompt_ids.join(','), '--max-new-tokens', '10', '--format', 'json', '--backend', 'cpu'];
    const a = await run([...args, '--temperature', '1.5', '--seed', '3']);
    const b = await run([...args, '--temperature', '1.5', '--seed', '3']);
    assert.equal(a.code, 0, a.err);
    assert.deepEqual(JSON.parse(a.out).generated_ids, JSON.parse(b.out).generated_ids);
    const greedy = await run([...args, '--temperature', '0', '--max-new-tokens', '8']);
    assert.deepEqual(JSON.parse(greedy.out).generated_ids.slice(0, 8), g.new_token_ids);
  });

  it('--adapter merges a PEFT adapter (output differs from the base model)', async () => {
    const g = generationGolden('llama');
    const base = ['generate', '--model', modelDir('llama'), '--input-ids', g.prompt_ids.join(','), '--max-new-tokens', '8', '--format', 'json', '--backend', 'cpu'];
    const r = await run([...base, '--adapter', 'tests/fixtures/parity/llama/adapter']);
    assert.equal(r.code, 0, r.err);
    assert.notDeepEqual(JSON.parse(r.out).generated_ids, g.new_token_ids);
  });

  it('usage errors exit 2 with CLI_USAGE; bad input exits 1 with its code', async () => {
    for (const args of [
      ['generate', '--input-ids', '1,2'],
      ['generate', '--model', modelDir('llama')],
      ['generate', '--model', modelDir('llama'), '--input-ids', '1,x'],
      ['generate', '--model', modelDir('llama'), '--input-ids', '1', '--temperature', 'hot'],
      ['generate', '--model', modelDir('llama'), '--input-ids', '1', '--template', 'vicuna'],
    ]) {
      const r = await run(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.err}`);
      assert.match(r.err, /CLI_USAGE/);
    }
    const oov = await run(['generate', '--model', modelDir('llama'), '--input-ids', '9999', '--backend', 'cpu']);
    assert.equal(oov.code, 1);
    assert.match(oov.err, /MODEL_INPUT_INVALID/);
    const noModel = await run(['generate', '--model', 'tests/fixtures/parity/nope', '--input-ids', '1', '--backend', 'cpu']);
    assert.equal(noModel.code, 1);
    assert.match(noModel.err, /MODEL_CONFIG_MISSING/);
  });
});
