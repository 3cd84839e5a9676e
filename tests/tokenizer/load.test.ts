import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import { TuneError } from '../../src/diagnostics/index.js';

const GPT2 = 'tests/fixtures/parity/gpt2/model';
const STORIES = 'models/stories260k';

interface Case { text: string; ids: number[]; tokens: string[]; decoded: string; decoded_clean_up_tokenization_spaces: string }
const golden = JSON.parse(readFileSync('tests/fixtures/parity/gpt2/golden/tokenizer_encodings.json', 'utf8')) as { cases: Case[] };

describe('tokenizer: GPT-2 golden encodings (transformers 4.44)', () => {
  it('has the 22 cases', () => assert.equal(golden.cases.length, 22));
  for (const c of golden.cases) {
    it(`encodes and decodes ${JSON.stringify(c.text).slice(0, 40)}`, async () => {
      const tok = await loadTokenizer(GPT2);
      assert.deepEqual(tok.encode(c.text), c.ids);
      assert.deepEqual(tok.tokenize(c.text), c.tokens);
      assert.equal(tok.decode(c.ids, { cleanUpTokenizationSpaces: false }), c.decoded);
      assert.equal(tok.decode(c.ids), c.decoded_clean_up_tokenization_spaces);
    });
  }
  it('has GPT-2 special tokens: EOS 50256, no BOS added, pad falls back to EOS', async () => {
    const tok = await loadTokenizer(GPT2);
    assert.equal(tok.eosTokenId, 50256);
    assert.equal(tok.bosTokenId, 50256);
    assert.equal(tok.addBosToken, false);
    assert.equal(tok.addEosToken, false);
    assert.equal(tok.padTokenId, 50256);
    assert.equal(tok.padIsEos, true);
    assert.equal(tok.vocabSize, 50257);
    assert.deepEqual(tok.decode([15496, 50256, 995], { skipSpecialTokens: true }), 'Hello world');
  });
  it('loads a GPT-2 folder without tokenizer.json from vocab.json + merges.txt', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-gpt2-'));
    for (const f of ['vocab.json', 'merges.txt', 'tokenizer_config.json']) copyFileSync(join(GPT2, f), join(dir, f));
    const tok = await loadTokenizer(dir);
    for (const c of golden.cases) assert.deepEqual(tok.encode(c.text), c.ids, c.text);
  });
});

describe('tokenizer: stories260k (Llama SentencePiece-style BPE)', () => {
  // Expected ids derived by hand from the vocab and merge ranks: "▁" is prepended and spaces become "▁";
  // e.g. "▁O"+"n" (merge `▁O n`) then "▁On"+"ce" (merge `▁On ce`) = "▁Once" = 403; BOS <s> = 1 is added.
  it('adds BOS and merges metaspace pieces', async () => {
    const tok = await loadTokenizer(STORIES);
    assert.equal(tok.addBosToken, true);
    assert.deepEqual(tok.encode('Once upon a time'), [1, 403, 407, 261, 378]);
    assert.deepEqual(tok.tokenize('Lily and Tim played.'), ['<s>', '▁Lily', '▁and', '▁Tim', '▁play', 'ed', '.']);
    assert.deepEqual(tok.encode('Once upon a time', { addSpecialTokens: false }), [403, 407, 261, 378]);
  });
  it('falls back to bytes for characters outside the vocab', async () => {
    const tok = await loadTokenizer(STORIES);
    // ï = C3 AF → <0xC3>=198, <0xAF>=178; 😀 = F0 9F 98 80; "\n" = <0x0A> = 13
    assert.deepEqual(tok.encode('naïve'), [1, 297, 412, 198, 178, 360]);
    assert.deepEqual(tok.encode('The cat 😀!'), [1, 291, 280, 294, 410, 243, 162, 155, 131, 443]);
    assert.deepEqual(tok.encode('x\ny'), [1, 410, 444, 13, 422]);
    assert.equal(tok.decode([1, 291, 280, 294, 410, 243, 162, 155, 131, 443], { skipSpecialTokens: true }), 'The cat 😀!');
    assert.equal(tok.decode([1, 403, 407, 261, 378]), '<s> Once upon a time');
  });
  it('knows its special tokens and honours recipe overrides', async () => {
    const tok = await loadTokenizer(STORIES);
    assert.deepEqual([tok.bosTokenId, tok.eosTokenId, tok.unkTokenId, tok.padTokenId], [1, 2, 0, 2]);
    assert.equal(tok.padIsEos, true);
    const t2 = await loadTokenizer(STORIES, { addBos: false, addEos: true, padToken: '<unk>' });
    assert.deepEqual(t2.encode('Once upon a time'), [403, 407, 261, 378, 2]);
    assert.equal(t2.padTokenId, 0);
    assert.equal(t2.padIsEos, false);
  });
});

describe('tokenizer: BOS/EOS rules', () => {
  function withConfig(edit: (cfg: Record<string, unknown>) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'tk-bos-'));
    copyFileSync(join(STORIES, 'tokenizer.json'), join(dir, 'tokenizer.json'));
    const cfg = JSON.parse(readFileSync(join(STORIES, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    edit(cfg);
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(cfg));
    return dir;
  }
  it('without add_bos_token the TemplateProcessing post-processor decides (Llama-3 style)', async () => {
    const tok = await loadTokenizer(withConfig((c) => { delete c['add_bos_token']; delete c['add_eos_token']; }));
    assert.deepEqual(tok.encode('Once'), [1, 403]);
  });
  it('tokenizer_config add_bos_token: false / add_eos_token: true override it (LlamaTokenizerFast)', async () => {
    const tok = await loadTokenizer(withConfig((c) => { c['add_bos_token'] = false; c['add_eos_token'] = true; }));
    assert.deepEqual(tok.encode('Once'), [403, 2]);
    assert.deepEqual([tok.addBosToken, tok.addEosToken], [false, true]);
  });
  it('legacy {"__type": "AddedToken"} special tokens and special_tokens_map.json fallback', async () => {
    const tok = await loadTokenizer(withConfig((c) => { c['eos_token'] = { __type: 'AddedToken', content: '</s>', lstrip: false }; delete c['bos_token']; }));
    assert.equal(tok.eosTokenId, 2);
    assert.equal(tok.bosTokenId, null); // special_tokens_map.json was not copied
  });
});

describe('tokenizer: chat templates', () => {
  const CHATML =
    "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";
  it('renders a ChatML template given in the recipe', async () => {
    const tok = await loadTokenizer(GPT2, { chatTemplate: CHATML });
    const out = tok.applyChatTemplate(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      { addGenerationPrompt: true },
    );
    assert.equal(out, '<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n');
  });
  it('exposes bos_token / eos_token and turns raise_exception into a diagnostic', async () => {
    const tpl = "{{ bos_token }}{% for m in messages %}{% if m.role == 'tool' %}{{ raise_exception('no tools') }}{% endif %}{{ m.content + eos_token }}{% endfor %}";
    const tok = await loadTokenizer(STORIES, { chatTemplate: tpl });
    assert.equal(tok.applyChatTemplate([{ role: 'user', content: 'a' }]), '<s>a</s>');
    assert.throws(() => tok.applyChatTemplate([{ role: 'tool', content: 'x' }]), (e: unknown) => e instanceof TuneError && e.code === 'TOKENIZER_CHAT_TEMPLATE_ERROR' && /no tools/.test(e.message));
  });
  it('prefers chat_template.jinja in the folder over tokenizer_config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-ct-'));
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(STORIES, f), join(dir, f));
    const cfg = JSON.parse(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    cfg['chat_template'] = 'INLINE';
    writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify(cfg));
    assert.equal((await loadTokenizer(dir)).chatTemplate, 'INLINE');
    writeFileSync(join(dir, 'chat_template.jinja'), 'FILE');
    assert.equal((await loadTokenizer(dir)).chatTemplate, 'FILE');
  });
  it('fails with TOKENIZER_NO_CHAT_TEMPLATE when there is none', async () => {
    const tok = await loadTokenizer(GPT2);
    assert.throws(() => tok.applyChatTemplate([{ role: 'user', content: 'a' }]), (e: unknown) => e instanceof TuneError && e.code === 'TOKENIZER_NO_CHAT_TEMPLATE');
  });
});

describe('tokenizer: bad folders', () => {
  it('missing folder → TOKENIZER_NOT_FOUND with the path', async () => {
    await assert.rejects(loadTokenizer('no/such/dir'), (e: unknown) => e instanceof TuneError && e.code === 'TOKENIZER_NOT_FOUND' && e.diagnostics[0]?.file === 'no/such/dir');
  });
  it('folder without tokenizer files → TOKENIZER_NOT_FOUND naming tokenizer.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-empty-'));
    await assert.rejects(loadTokenizer(dir), (e: unknown) => e instanceof TuneError && e.code === 'TOKENIZER_NOT_FOUND' && e.diagnostics[0]?.file === join(dir, 'tokenizer.json') && /tokenizer\.json/.test(e.diagnostics[0]?.hint ?? ''));
  });
  it('corrupt tokenizer.json → TOKENIZER_CORRUPT with line and column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-bad-'));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer.json'), '{\n  "version": "1.0",\n  "model": {oops}\n}');
    await assert.rejects(loadTokenizer(dir), (e: unknown) => {
      const d = (e as TuneError).diagnostics?.[0];
      return e instanceof TuneError && e.code === 'TOKENIZER_CORRUPT' && d?.file === join(dir, 'tokenizer.json') && d.line === 3 && d.col === 13;
    });
  });
  it('tokenizer.json without a model → TOKENIZER_CORRUPT', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-nomodel-'));
    writeFileSync(join(dir, 'tokenizer.json'), '{"version":"1.0"}');
    await assert.rejects(loadTokenizer(dir), (e: unknown) => e instanceof TuneError && e.code === 'TOKENIZER_CORRUPT' && /model\.vocab/.test(e.message));
  });
  it('unknown recipe pad token → TOKENIZER_UNKNOWN_TOKEN', async () => {
    await assert.rejects(loadTokenizer(GPT2, { padToken: '[PAD]' }), (e: unknown) => e instanceof TuneError && e.code === 'TOKENIZER_UNKNOWN_TOKEN');
  });
});
