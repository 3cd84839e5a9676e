import assert from 'node:assert/strict';
import { chat } from '../../plugins/chat/index.js';
import { completion } from '../../plugins/completion/index.js';
import { inputOutput } from '../../plugins/input-output/index.js';
import { tokenized } from '../../plugins/tokenized/index.js';
import { type FormatContext, isRowError } from '../../src/data/format.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { GPT2_DIR, STORIES_DIR, tokenizer } from './helpers/setup.js';

const M = -100;
const CHATML =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function ctxOf(tok: FormatContext['tokenizer'], over: Partial<FormatContext['dataset']> = {}, sequenceLen = 512): FormatContext {
  return { tokenizer: tok, dataset: { path: 'x.jsonl', format: 'x', train_on_inputs: false, ...over }, sequenceLen };
}

describe('completion format (HF group_texts)', () => {
  it('appends EOS per document, concatenates, cuts sequence_len blocks and drops the remainder', async () => {
    const tok = await tokenizer();
    const c = ctxOf(tok, {}, 4);
    const docs = ['Hello world', 'Hello, world!', 'Hi'];
    const ex = docs.map((t) => completion.toExample({ text: t }, c)!);
    assert.deepEqual(ex[0]!.input_ids, [15496, 995, 50256]);
    const blocks = completion.finalize!(ex, c);
    const stream = docs.flatMap((t) => [...tok.encode(t), 50256]); // 3 + 5 + 2 = 10 tokens → 2 blocks of 4, 2 dropped
    assert.equal(stream.length, 10);
    assert.deepEqual(blocks.map((b) => b.input_ids), [stream.slice(0, 4), stream.slice(4, 8)]);
    for (const b of blocks) assert.deepEqual(b.labels, b.input_ids);
    assert.equal(completion.toExample({ text: '' }, c), null);
  });
  it('keeps BOS for tokenizers that add it and uses text_field', async () => {
    const tok = await tokenizer(STORIES_DIR);
    const e = completion.toExample({ body: 'Once upon a time' }, ctxOf(tok, { text_field: 'body' }))!;
    assert.deepEqual(e.input_ids, [1, 403, 407, 261, 378, 2]);
    assert.deepEqual(completion.validateRow({ text: 'x' }, ctxOf(tok, { text_field: 'body' })), { field: 'body', message: 'is missing', expected: 'a string', found: 'nothing' });
  });
});

describe('chat format', () => {
  it('renders ChatML and trains only the assistant answers (with their <|im_end|>)', async () => {
    const tok = await loadTokenizer(GPT2_DIR, { chatTemplate: CHATML });
    const c = ctxOf(tok);
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
      { role: 'assistant', content: 'Hello there' },
      { role: 'user', content: 'Bye' },
      { role: 'assistant', content: 'See you' },
    ];
    assert.equal(chat.validateRow({ messages }, c), null);
    const e = chat.toExample({ messages }, c)!;
    const full = tok.applyChatTemplate(messages);
    assert.deepEqual(e.input_ids, tok.encode(full));
    // The trained tokens, in order, are exactly the two answers with their end-of-turn text.
    const trained: number[][] = [];
    let cur: number[] = [];
    e.labels.forEach((l, i) => {
      if (l !== M) {
        assert.equal(l, e.input_ids[i]);
        cur.push(l);
      } else if (cur.length) {
        trained.push(cur);
        cur = [];
      }
    });
    if (cur.length) trained.push(cur);
    assert.deepEqual(trained.map((t) => tok.decode(t)), ['Hello there<|im_end|>\n', 'See you<|im_end|>\n']);
  });
  it('reads ShareGPT conversations with role mapping and drops a leading gpt turn', async () => {
    const tok = await loadTokenizer(GPT2_DIR, { chatTemplate: CHATML });
    const c = ctxOf(tok);
    const conversations = [
      { from: 'gpt', value: 'ignored greeting' },
      { from: 'human', value: 'Hi' },
      { from: 'gpt', value: 'Hello' },
    ];
    const e = chat.toExample({ conversations }, c)!;
    // auto-detected also when messages_field holds its default (as ResolvedRecipe fills it)
    assert.deepEqual(chat.toExample({ conversations }, ctxOf(tok, { messages_field: 'messages' })), e);
    assert.equal(tok.decode(e.input_ids), '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nHello<|im_end|>\n');
    const custom = ctxOf(tok, { roles: { bot: 'assistant', person: 'user' } });
    const e2 = chat.toExample({ conversations: [{ from: 'person', value: 'a' }, { from: 'bot', value: 'b' }] }, custom)!;
    assert.equal(tok.decode(e2.input_ids), '<|im_start|>user\na<|im_end|>\n<|im_start|>assistant\nb<|im_end|>\n');
    assert.deepEqual(chat.validateRow({ conversations: [{ from: 'wizard', value: 'x' }] }, c), {
      field: 'conversations[0].from', message: 'has unknown role `wizard`', expected: 'human, gpt, system, user, assistant, tool', found: 'wizard',
    });
    assert.equal(chat.validateRow({ messages: [{ role: 'user', content: 'only a question' }] }, c)?.message, 'has no assistant turn');
  });
  it('a conversation the template rejects is a row error', async () => {
    const tok = await loadTokenizer(GPT2_DIR, { chatTemplate: "{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('no system role') }}{% endif %}{{ m.content }}{% endfor %}" });
    assert.throws(() => chat.toExample({ messages: [{ role: 'system', content: 's' }, { role: 'assistant', content: 'a' }] }, ctxOf(tok)), (e: unknown) => isRowError(e) && /no system role/.test(e.problem.message));
  });
});

describe('input_output format', () => {
  it('tokenizes segments separately and trains where label is true', async () => {
    const tok = await tokenizer(STORIES_DIR);
    const e = inputOutput.toExample({ segments: [{ text: 'Once upon', label: false }, { text: ' a time', label: true }] }, ctxOf(tok))!;
    // BOS 1 (untrained); "Once upon" → ▁Once ▁upon; " a time" → ▁ prepended + "▁a▁time" → "▁", "▁a", "▁time"
    assert.deepEqual(e.input_ids, [1, 403, 407, ...tok.encode(' a time', { addSpecialTokens: false })]);
    assert.deepEqual(e.labels, [M, M, M, ...tok.encode(' a time', { addSpecialTokens: false })]);
    assert.deepEqual(inputOutput.validateRow({ segments: [{ text: 'a', label: 'yes' }] }, ctxOf(tok)), { field: 'segments[0].label', message: 'is not a boolean', expected: 'true or false', found: 'string' });
  });
});

describe('tokenized format', () => {
  it('uses rows as they are, labels default to input_ids, trailing padding removed', async () => {
    const tok = await tokenizer();
    const c = ctxOf(tok);
    assert.deepEqual(tokenized.toExample({ input_ids: [1, 2, 3] }, c), { input_ids: [1, 2, 3], labels: [1, 2, 3] });
    assert.deepEqual(tokenized.toExample({ input_ids: [1, 2, 3, 0], labels: [-100, 2, 3, -100], attention_mask: [1, 1, 1, 0] }, c), { input_ids: [1, 2, 3], labels: [-100, 2, 3] });
    assert.deepEqual(tokenized.validateRow({ input_ids: [1, 99999] }, c), { field: 'input_ids[1]', message: 'is 99999', expected: 'an id in [0, 50257)', found: '99999' });
    assert.equal(tokenized.validateRow({ input_ids: [1, 2], labels: [1] }, c)?.field, 'labels');
    assert.equal(tokenized.validateRow({ input_ids: [1, 2], attention_mask: [0, 1] }, c)?.field, 'attention_mask');
  });
});

describe('chat format: boundaries inside merged tokens', () => {
  it('a template that puts a space before the answer still trains the answer’s first token', async () => {
    const tok = await loadTokenizer(GPT2_DIR, { chatTemplate: "{% for m in messages %}{% if m.role == 'user' %}Q: {{ m.content }}\nA: {% else %}{{ m.content }}\n{% endif %}{% endfor %}" });
    const e = chat.toExample({ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] }, ctxOf(tok))!;
    // "A: Hello" tokenizes as "A", ":", "ĠHello" — the boundary falls inside "ĠHello", which is trained.
    assert.equal(tok.decode(e.labels.filter((l) => l !== M)), ' Hello\n');
  });
});
