/**
 * `alpaca`: instruction / input / output rows, exactly as Stanford Alpaca's train.py builds them
 * (tatsu-lab/stanford_alpaca `train.py`): source = the formatted prompt (no trailing space), target =
 * `output + eos_token`; the full text and the source are tokenized separately (BOS per the tokenizer)
 * and labels are -100 over the first len(source_ids) positions unless `train_on_inputs`.
 */
import {
  type ConfigProblem,
  type DatasetConfig,
  type DatasetFormat,
  type Example,
  type FormatContext,
  IGNORE_INDEX,
  type PromptTemplate,
  type Row,
  type RowProblem,
  fillPromptTemplate,
  parsePromptTemplate,
  typeOfValue,
} from '../../src/plugin-api.js';
import { FIELDS, TEMPLATE } from './schema.js';

/** The Stanford Alpaca PROMPT_DICT, verbatim. */
export const ALPACA_TEMPLATE = {
  prompt_input:
    'Below is an instruction that describes a task, paired with an input that provides further context. ' +
    'Write a response that appropriately completes the request.\n\n' +
    '### Instruction:\n{instruction}\n\n### Input:\n{input}\n\n### Response:',
  prompt_no_input:
    'Below is an instruction that describes a task. ' +
    'Write a response that appropriately completes the request.\n\n' +
    '### Instruction:\n{instruction}\n\n### Response:',
} as const;

const PLACEHOLDERS = ['instruction', 'input'];
const FIELD_KEYS = ['instruction', 'input', 'output'] as const;

/** The alpaca keys of a dataset entry (`template`, `fields`). */
interface AlpacaKeys {
  template?: { prompt_input?: string; prompt_no_input?: string };
  fields?: { instruction?: string; input?: string; output?: string };
}
const own = (ds: DatasetConfig): AlpacaKeys => ds as AlpacaKeys;

function fields(ds: DatasetConfig): { instruction: string; input: string; output: string } {
  return { instruction: 'instruction', input: 'input', output: 'output', ...own(ds).fields };
}

const parsedCache = new WeakMap<DatasetConfig, { input: PromptTemplate; noInput: PromptTemplate }>();

function templates(ds: DatasetConfig): { input: PromptTemplate; noInput: PromptTemplate } {
  let t = parsedCache.get(ds);
  if (!t) {
    const pi = parsePromptTemplate(own(ds).template?.prompt_input ?? ALPACA_TEMPLATE.prompt_input);
    const pn = parsePromptTemplate(own(ds).template?.prompt_no_input ?? ALPACA_TEMPLATE.prompt_no_input);
    if (typeof pi === 'string' || typeof pn === 'string') throw new Error('alpaca template not checked before use');
    t = { input: pi, noInput: pn };
    parsedCache.set(ds, t);
  }
  return t;
}

/** Optional text field: missing or null reads as "" (Stanford: `example.get("input", "")`). */
function optionalText(row: Row, key: string): string {
  const v = row[key];
  return v === undefined || v === null ? '' : String(v);
}

export const alpaca: DatasetFormat = {
  name: 'alpaca',
  description: 'instruction / input / output rows in the Stanford Alpaca prompt; the loss is on the response',
  keys: { template: { schema: TEMPLATE }, fields: { schema: FIELDS } },
  example: { path: 'data/train.jsonl', format: 'alpaca' },

  prompt(values) {
    const input = values['input'] ?? '';
    const t = input === '' ? ALPACA_TEMPLATE.prompt_no_input : ALPACA_TEMPLATE.prompt_input;
    // One pass, so an instruction that itself contains "{input}" is not substituted again.
    return t.replace(/\{(instruction|input)\}/g, (_, k: string) => (k === 'instruction' ? (values['instruction'] ?? '') : input));
  },

  checkConfig(ds): ConfigProblem[] {
    const out: ConfigProblem[] = [];
    for (const k of Object.keys(own(ds).fields ?? {})) {
      if (!(FIELD_KEYS as readonly string[]).includes(k)) {
        out.push({ key: `fields/${k}`, code: 'DATA_BAD_OPTION', message: `unknown field mapping \`${k}\``, expected: FIELD_KEYS.join(', '), found: k });
      }
    }
    for (const which of ['prompt_input', 'prompt_no_input'] as const) {
      const src = own(ds).template?.[which] ?? ALPACA_TEMPLATE[which];
      const t = parsePromptTemplate(src);
      if (typeof t === 'string') {
        out.push({ key: `template/${which}`, code: 'DATA_BAD_OPTION', message: `template.${which} does not parse: ${t}` });
        continue;
      }
      for (const name of t.names) {
        if (!PLACEHOLDERS.includes(name) || (which === 'prompt_no_input' && name === 'input')) {
          out.push({
            key: `template/${which}`,
            code: 'DATA_TEMPLATE_PLACEHOLDER',
            message: `template.${which} has a placeholder \`{${name}}\` with no matching field`,
            expected: which === 'prompt_input' ? '{instruction} and {input}' : '{instruction}',
            found: `{${name}}`,
            hint: name === 'output' ? 'the output is the target, appended after the prompt; it cannot appear in the prompt' : 'map your column names with `fields: {instruction: ..., input: ...}` and use the standard placeholders',
          });
        }
      }
    }
    return out;
  },

  promisesEos(ctx) {
    return ctx.tokenizer.eosToken !== null;
  },

  validateRow(row, ctx): RowProblem | null {
    const f = fields(ctx.dataset);
    for (const [key, required] of [[f.instruction, true], [f.output, true], [f.input, false]] as const) {
      const v = row[key];
      if (v === undefined || v === null) {
        if (required) return { field: key, message: 'is missing', expected: 'a string' , found: v === null ? 'null' : 'nothing' };
        continue;
      }
      if (typeof v !== 'string') return { field: key, message: `is a ${typeOfValue(v)}`, expected: 'a string', found: typeOfValue(v) };
    }
    return null;
  },

  toExample(row, ctx: FormatContext): Example {
    const f = fields(ctx.dataset);
    const t = templates(ctx.dataset);
    const input = optionalText(row, f.input);
    const values = { instruction: String(row[f.instruction]), input };
    const source = fillPromptTemplate(input !== '' ? t.input : t.noInput, values);
    const target = `${String(row[f.output])}${ctx.tokenizer.eosToken ?? ''}`;
    const inputIds = ctx.tokenizer.encode(source + target);
    const labels = inputIds.slice();
    if (!ctx.dataset.train_on_inputs) {
      const sourceLen = ctx.tokenizer.encode(source).length;
      for (let i = 0; i < Math.min(sourceLen, labels.length); i++) labels[i] = IGNORE_INDEX;
    }
    return { input_ids: inputIds, labels };
  },
};

