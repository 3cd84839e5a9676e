import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { archFacts, contextLength, type ArchFacts } from './arch-facts.js';
import type { MethodSpec, RecipeRegistry } from './contributions.js';
import { recipeSchemaPath } from './schema.js';

/** What `tune init` writes. */
export interface StarterOptions {
  /** The method kind (registered by a method plugin). */
  method: MethodSpec;
  /** The registered names, for the comments listing the choices. */
  registry: Pick<RecipeRegistry, 'methods' | 'optimizers' | 'datasetFormats'>;
  /** A local model folder (absolute or relative to cwd); its config.json picks targets and length. */
  modelDir?: string;
  /** Absolute path the recipe will be written to (relative paths in it are relative to its folder). */
  file: string;
}

const posix = (p: string): string => p.split(sep).join('/');
const relFrom = (fromDir: string, to: string): string => {
  const r = posix(relative(fromDir, to));
  return r.startsWith('.') ? r : `./${r}`;
};

/**
 * A commented starter recipe that validates as written: a hub model (or the given local folder),
 * the Stanford Alpaca dataset from the hub, and the method plugin's starter block for the kind.
 */
export function starterRecipe(opts: StarterOptions): string {
  const dir = dirname(opts.file);
  let base = 'HuggingFaceTB/SmolLM2-135M';
  let seq = 512;
  let arch: ArchFacts | undefined;
  if (opts.modelDir) {
    const abs = resolve(opts.modelDir);
    base = relFrom(dir, abs);
    const cfgPath = join(abs, 'config.json');
    const cfg = existsSync(cfgPath) ? (JSON.parse(readFileSync(cfgPath, 'utf8')) as Record<string, unknown>) : {};
    arch = archFacts(cfg['model_type']);
    if (arch) {
      const ctx = contextLength(arch, cfg);
      if (ctx !== null) seq = Math.min(seq, ctx);
    }
  }
  const kind = opts.method.name;
  const starter = opts.method.starter?.(arch ? { arch } : {}) ?? { lines: [], lr: '2.0e-5' };
  const names = (list: readonly { name: string }[]): string => list.map((x) => x.name).join(' | ');
  const exportDefault = opts.method.exports.default;
  const otherExports = opts.method.exports.allowed.filter((k) => !exportDefault.includes(k));
  const lines = [
    `# yaml-language-server: $schema=${relFrom(dir, recipeSchemaPath())}`,
    `# A tunekit recipe (${kind}). Check it with \`tune validate\`, train it with \`tune run\`.`,
    '# Every key is documented in the schema (`tune schema`); keys you leave out take their defaults.',
    '# Relative paths are relative to this file.',
    'recipe_version: 1',
    '',
    'model:',
    '  # A local Hugging Face folder (config.json + model.safetensors) or a hub id `org/name`.',
    `  base: ${base}`,
    '  dtype: float32            # float32 | bfloat16 | float16',
    '',
    'data:',
    '  datasets:',
    '    # A local .jsonl/.json/.csv/.parquet/.txt file or a hub dataset id.',
    '    - path: tatsu-lab/alpaca',
    `      format: alpaca        # ${names(opts.registry.datasetFormats)}`,
    `  sequence_len: ${seq}       # tokens per example (prompt + response)`,
    '  train_on_inputs: false    # loss on the response only, as Stanford Alpaca',
    '  val_set_size: 0.02        # hold out 2% for evaluation',
    '',
    'method:',
    `  kind: ${kind}${' '.repeat(Math.max(1, 18 - kind.length))}# ${names(opts.registry.methods)}`,
    ...starter.lines,
    '',
    'optimizer:',
    `  name: adamw               # ${names(opts.registry.optimizers)}`,
    `  lr: ${starter.lr}`,
    '  weight_decay: 0.0',
    '',
    'schedule:',
    '  name: cosine              # constant | constant_with_warmup | linear | cosine | cosine_with_min_lr',
    '  warmup_ratio: 0.03        # or warmup_steps (not both)',
    '',
    'training:',
    '  epochs: 1                 # or max_steps (not both)',
    '  micro_batch_size: 4',
    '  gradient_accumulation_steps: 4   # effective batch = 4 × 4 = 16',
    '  max_grad_norm: 1.0',
    '  seed: 42',
    '',
    'eval:',
    '  steps: 100                # evaluate on the held-out split every 100 steps',
    '',
    'output:',
    '  # dir: out/my-run         # default: out/<this file name> in the working directory',
    '  save_steps: 500',
    '  save_total_limit: 2',
    `  export: [${exportDefault.join(', ')}]${otherExports.length ? `${' '.repeat(Math.max(1, 10 - exportDefault.join(', ').length))}# ${[...exportDefault, ...otherExports].join(' | ')}` : ''}`,
    '',
    'logging:',
    '  steps: 10',
    '',
  ];
  return lines.join('\n');
}
