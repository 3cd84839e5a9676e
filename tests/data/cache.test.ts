import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinFormats } from '../helpers/formats.js';
import { prepareData } from '../../src/data/prepare.js';
import { loadTokenizer } from '../../src/tokenizer/index.js';
import type { DatasetConfig } from '../../src/data/config.js';
import { GPT2_DIR, dataConfig, files, jsonl, tmp } from './helpers/setup.js';

const CHATML = "{% for m in messages %}{{ '<|im_start|>' + m.role + '\\n' + m.content + '<|im_end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

describe('prepared cache', () => {
  it('hits on an unchanged run, misses on changed source bytes, tokenizer files, templates', async () => {
    const cacheDir = tmp('tk-cache-');
    const tokDir = tmp('tk-tok-');
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(GPT2_DIR, f), join(tokDir, f));
    const dir = files({ 'a.jsonl': jsonl([{ instruction: 'Say hi.', output: 'Hi!' }]) });
    const run = async (ds: Partial<DatasetConfig> = {}, tokOpts = {}) =>
      prepareData({ data: dataConfig([{ path: join(dir, 'a.jsonl'), format: 'alpaca', ...ds }], { cache_dir: cacheDir }), tokenizer: await loadTokenizer(tokDir, tokOpts), formats: builtinFormats(), seed: 1 });
    const first = await run();
    assert.equal(first.stats[0]!.cacheHit, false);
    assert.equal(readdirSync(cacheDir).filter((f) => f.endsWith('.tkds')).length, 1);
    assert.equal(readdirSync(cacheDir).filter((f) => !f.endsWith('.tkds')).length, 0); // no temp files left
    const second = await run();
    assert.equal(second.stats[0]!.cacheHit, true);
    assert.deepEqual(second.train, first.train);
    assert.deepEqual(second.trainRefs, first.trainRefs);
    // changed template → miss
    const t = await run({ template: { prompt_no_input: '{instruction}\n' } });
    assert.equal(t.stats[0]!.cacheHit, false);
    assert.notDeepEqual(t.train[0]!.input_ids, first.train[0]!.input_ids);
    // changed source bytes → miss
    writeFileSync(join(dir, 'a.jsonl'), jsonl([{ instruction: 'Say hi!', output: 'Hi!' }]));
    const s = await run();
    assert.equal(s.stats[0]!.cacheHit, false);
    assert.equal((await run()).stats[0]!.cacheHit, true);
    // changed tokenizer file (tokenizer_config.json: clean-up flag) → miss, even though the ids would not change
    const cfg = JSON.parse(await (await import('node:fs/promises')).readFile(join(tokDir, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    cfg['clean_up_tokenization_spaces'] = false;
    writeFileSync(join(tokDir, 'tokenizer_config.json'), JSON.stringify(cfg));
    assert.equal((await run()).stats[0]!.cacheHit, false);
    assert.equal((await run()).stats[0]!.cacheHit, true);
    // a recipe override of the tokenizer (pad token) → miss
    assert.equal((await run({}, { padToken: '!' })).stats[0]!.cacheHit, false);
    assert.equal(readdirSync(cacheDir).length, 5); // original, template, source, tokenizer file, pad override
  });

  it('a changed chat template (recipe or chat_template.jinja) never reuses the cache', async () => {
    const cacheDir = tmp('tk-cache-');
    const tokDir = tmp('tk-tok-');
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) copyFileSync(join(GPT2_DIR, f), join(tokDir, f));
    writeFileSync(join(tokDir, 'chat_template.jinja'), CHATML);
    const dir = files({ 'c.jsonl': jsonl([{ messages: [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }] }]) });
    const run = async (tokOpts = {}) =>
      prepareData({ data: dataConfig([{ path: join(dir, 'c.jsonl'), format: 'chat' }], { cache_dir: cacheDir }), tokenizer: await loadTokenizer(tokDir, tokOpts), formats: builtinFormats(), seed: 1 });
    assert.equal((await run()).stats[0]!.cacheHit, false);
    assert.equal((await run()).stats[0]!.cacheHit, true);
    writeFileSync(join(tokDir, 'chat_template.jinja'), CHATML.replace(/<\|im_end\|>/g, '<|end|>'));
    const changed = await run();
    assert.equal(changed.stats[0]!.cacheHit, false);
    assert.equal((await run({ chatTemplate: CHATML })).stats[0]!.cacheHit, false);
  });

  it('a corrupt cache file is rebuilt, not trusted', async () => {
    const cacheDir = tmp('tk-cache-');
    const dir = files({ 'a.jsonl': jsonl([{ instruction: 'Say hi.', output: 'Hi!' }]) });
    const run = async () => prepareData({ data: dataConfig([{ path: join(dir, 'a.jsonl'), format: 'alpaca' }], { cache_dir: cacheDir }), tokenizer: await loadTokenizer(GPT2_DIR), formats: builtinFormats(), seed: 1 });
    const good = await run();
    const f = readdirSync(cacheDir)[0]!;
    writeFileSync(join(cacheDir, f), 'TKDS0001garbage');
    const again = await run();
    assert.equal(again.stats[0]!.cacheHit, false);
    assert.deepEqual(again.train, good.train);
  });
});
