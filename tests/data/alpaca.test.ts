import assert from 'node:assert/strict';
import { ALPACA_TEMPLATE, alpaca } from '../../plugins/alpaca/index.js';
import type { FormatContext } from '../../src/data/format.js';
import { STORIES_DIR, tokenizer } from './helpers/setup.js';

async function ctx(dir?: string, over: Partial<FormatContext['dataset']> = {}): Promise<FormatContext> {
  return { tokenizer: await tokenizer(dir), dataset: { path: 'x.jsonl', format: 'alpaca', train_on_inputs: false, ...over }, sequenceLen: 512 };
}

const M = -100;

describe('alpaca format: Stanford Alpaca token layout (GPT-2 tokenizer)', () => {
  it('no input: prompt_no_input, labels -100 over the prompt, output + EOS trained (literal ids)', async () => {
    const c = await ctx();
    const e = alpaca.toExample({ instruction: 'Say hi.', input: '', output: 'Hi!' }, c)!;
    // "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\nSay hi.\n\n### Response:"
    // then "Hi" 17250, "!" 0, "<|endoftext|>" 50256 (checked in vocab.json; "### Response:" = "###" 21017 "ĠResponse" 18261 ":" 25).
    const ids = [21106, 318, 281, 12064, 326, 8477, 257, 4876, 13, 19430, 257, 2882, 326, 20431, 32543, 262, 2581, 13, 198, 198, 21017, 46486, 25, 198, 25515, 23105, 13, 198, 198, 21017, 18261, 25, 17250, 0, 50256];
    assert.deepEqual(e.input_ids, ids);
    assert.deepEqual(e.labels, [...new Array(32).fill(M), 17250, 0, 50256]);
  });

  it('with input: prompt_input; the mask length is len(tokenize(source)) and the rest trains', async () => {
    const c = await ctx();
    const tok = c.tokenizer;
    const row = { instruction: 'Add the numbers.', input: '2+2', output: 'The answer is 4.' };
    const e = alpaca.toExample(row, c)!;
    const source = ALPACA_TEMPLATE.prompt_input.replace('{instruction}', row.instruction).replace('{input}', row.input);
    assert.ok(source.endsWith('### Response:'));
    const src = tok.encode(source);
    const tgt = tok.encode(`${row.output}<|endoftext|>`);
    assert.deepEqual(e.input_ids, [...src, ...tgt]); // ':' and 'The' do not merge, so pieces concatenate
    assert.deepEqual(e.labels, [...src.map(() => M), ...tgt]);
    assert.deepEqual(e.input_ids.slice(-9), [21017, 18261, 25, 464, 3280, 318, 604, 13, 50256]); // ### Response:The answer is 4.<eos>
  });

  it('train_on_inputs: labels equal input_ids', async () => {
    const e = alpaca.toExample({ instruction: 'Say hi.', output: 'Hi!' }, await ctx(undefined, { train_on_inputs: true }))!;
    assert.deepEqual(e.labels, e.input_ids);
  });

  it('missing or null input uses prompt_no_input (Stanford: example.get("input", ""))', async () => {
    const c = await ctx();
    const a = alpaca.toExample({ instruction: 'Say hi.', output: 'Hi!' }, c)!;
    const b = alpaca.toExample({ instruction: 'Say hi.', input: null, output: 'Hi!' }, c)!;
    const d = alpaca.toExample({ instruction: 'Say hi.', input: '', output: 'Hi!' }, c)!;
    assert.deepEqual(a, d);
    assert.deepEqual(b, d);
  });

  it('Llama tokenizer: BOS first and masked, </s> text becomes EOS id 2 and is trained', async () => {
    const c = await ctx(STORIES_DIR);
    const e = alpaca.toExample({ instruction: 'Tell a story.', output: 'Once upon a time' }, c)!;
    assert.equal(e.input_ids[0], 1);
    assert.equal(e.labels[0], M);
    // "Response:Once" has no space, so "Once" is not "▁Once" but O 441, n 416, ce 331 (by the merge ranks).
    assert.deepEqual(e.labels.filter((l) => l !== M), [441, 416, 331, 407, 261, 378, 2]);
    assert.deepEqual(e.input_ids.slice(-7), [441, 416, 331, 407, 261, 378, 2]);
    const src = c.tokenizer.encode(ALPACA_TEMPLATE.prompt_no_input.replace('{instruction}', 'Tell a story.'));
    assert.equal(e.labels.filter((l) => l === M).length, src.length);
  });

  it('custom templates and field mapping', async () => {
    const c = await ctx(undefined, { template: { prompt_input: 'Q: {instruction} ({input})\nA:', prompt_no_input: 'Q: {instruction}\nA:' }, fields: { instruction: 'question', output: 'answer', input: 'ctx' } });
    const e = alpaca.toExample({ question: 'Why?', answer: ' Because.', ctx: 'sky' }, c)!;
    const tok = c.tokenizer;
    assert.equal(tok.decode(e.input_ids), 'Q: Why? (sky)\nA: Because.<|endoftext|>');
    assert.equal(tok.decode(e.labels.filter((l) => l !== M)), ' Because.<|endoftext|>');
    assert.equal(alpaca.validateRow({ question: 'Why?', answer: 'x' }, c), null);
    assert.deepEqual(alpaca.validateRow({ question: 'Why?' }, c), { field: 'answer', message: 'is missing', expected: 'a string', found: 'nothing' });
  });

  it('checkConfig flags placeholders with no matching field and bad mappings', () => {
    assert.deepEqual(alpaca.checkConfig!({ path: 'x', format: 'alpaca' }), []);
    const probs = alpaca.checkConfig!({ path: 'x', format: 'alpaca', template: { prompt_input: '{instruction} {context}', prompt_no_input: '{instruction} {input}' }, fields: { instruction: 'q', question: 'x' } as never });
    assert.deepEqual(probs.map((p) => [p.code, p.key, p.found]), [
      ['DATA_BAD_OPTION', 'fields/question', 'question'],
      ['DATA_TEMPLATE_PLACEHOLDER', 'template/prompt_input', '{context}'],
      ['DATA_TEMPLATE_PLACEHOLDER', 'template/prompt_no_input', '{input}'],
    ]);
    const syntax = alpaca.checkConfig!({ path: 'x', format: 'alpaca', template: { prompt_input: 'a {instruction' } });
    assert.equal(syntax[0]?.code, 'DATA_BAD_OPTION');
    assert.match(syntax[0]!.message, /unclosed/);
  });
});
