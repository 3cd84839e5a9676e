import { basename, extname, join, resolve } from 'node:path';
import type { VariantsAnnotation } from './build-schema.js';
import { findOrigin, joinPointer, type Origins } from './origins.js';
import { classifyDataRef, classifyModelRef, isInlineTemplate, resolveFrom } from './paths.js';
import type { ExportKind, ResolvedDataset, ResolvedPlugin, ResolvedRecipe, RecipeSource } from './resolved.js';
import type { RecipeSchema, SchemaNode } from './schema.js';

/** Where relative paths are resolved from, and what the recipe was made of. */
export interface ResolveContext {
  origins: Origins;
  /** Folder for paths without a recorded origin (recipes built in code). */
  baseDir: string;
  /** Working directory: defaults that are paths (`out/…`, `.tunekit-cache`) live here. */
  cwd: string;
  source: RecipeSource;
  /** The schema the document was validated against (`x-variants`, `x-path`). */
  schema: RecipeSchema;
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});

/**
 * Build the ResolvedRecipe from a validated recipe document whose schema defaults are filled in.
 * Relative paths are resolved against the folder of the file that wrote them; computed defaults
 * (tokenizer = model folder, eval batch = micro batch, export by method, output folder) are filled.
 */
export function resolveRecipe(doc: Obj, raw: Obj, ctx: ResolveContext): ResolvedRecipe {
  const dirOf = (segments: (string | number)[]): string => {
    const o = findOrigin(ctx.origins, joinPointer(segments));
    return o ? o.origin.dir : ctx.baseDir;
  };
  const wasWritten = (segments: (string | number)[]): boolean => ctx.origins.has(joinPointer(segments));

  const m = obj(doc['model']);
  let base: string | null = null;
  let baseKind: 'local' | 'hub' | null = null;
  let revision = String(m['revision']);
  if (typeof m['base'] === 'string') {
    const ref = classifyModelRef(m['base'], dirOf(['model', 'base']));
    if (ref.kind === 'local') {
      base = ref.path;
      baseKind = 'local';
    } else {
      base = ref.repo;
      baseKind = 'hub';
      if (ref.revision) revision = ref.revision;
    }
  }

  const t = obj(doc['tokenizer']);
  let tokPath = base;
  let tokKind = baseKind;
  if (typeof t['path'] === 'string') {
    const ref = classifyModelRef(t['path'], dirOf(['tokenizer', 'path']));
    tokPath = ref.kind === 'local' ? ref.path : ref.repo;
    tokKind = ref.kind;
  }
  const ct = t['chat_template'];
  const chatTemplate =
    typeof ct !== 'string'
      ? null
      : isInlineTemplate(ct)
        ? { kind: 'inline' as const, text: ct }
        : { kind: 'file' as const, path: resolveFrom(dirOf(['tokenizer', 'chat_template']), ct) };

  const d = obj(doc['data']);
  const dataTrainOnInputs = d['train_on_inputs'] as boolean;
  const dataOnBadRow = d['on_bad_row'] as 'error' | 'skip';
  const datasets = (d['datasets'] as Obj[]).map((ds, i): ResolvedDataset => {
    const ref = classifyDataRef(String(ds['path']), dirOf(['data', 'datasets', i, 'path']));
    // The format's own keys pass through as the schema filled them (its variant's defaults).
    const { path: _p, format, name, split, revision, weight, train_on_inputs, on_bad_row, ...own } = ds;
    return {
      ...own,
      path: ref.kind === 'local' ? ref.path : ref.repo,
      path_kind: ref.kind,
      format: String(format),
      name: (name as string | null) ?? null,
      split: String(split),
      revision: (revision as string | null) ?? (ref.kind === 'hub' ? ref.revision : null),
      weight: weight as number,
      train_on_inputs: (train_on_inputs as boolean | null) ?? dataTrainOnInputs,
      on_bad_row: (on_bad_row as 'error' | 'skip' | null) ?? dataOnBadRow,
    };
  });
  const cacheDir = wasWritten(['data', 'cache_dir'])
    ? resolveFrom(dirOf(['data', 'cache_dir']), String(d['cache_dir']))
    : resolve(ctx.cwd, String(d['cache_dir']));

  const me = obj(doc['method']);
  const kind = String(me['kind']);
  const tr = obj(doc['training']);
  const rawTraining = obj(raw['training']);
  const maxSteps = typeof rawTraining['max_steps'] === 'number' ? (rawTraining['max_steps'] as number) : null;
  const micro = tr['micro_batch_size'] as number;
  const accum = tr['gradient_accumulation_steps'] as number;

  const ev = obj(doc['eval']);
  const out = obj(doc['output']);
  const stem = ctx.source.file ? basename(ctx.source.file, extname(ctx.source.file)) : 'recipe';
  const outDir = typeof out['dir'] === 'string' ? resolveFrom(dirOf(['output', 'dir']), out['dir']) : resolve(ctx.cwd, 'out', stem);
  const methodVariants = ctx.schema.deref({ $ref: '#/$defs/method' })['x-variants'] as VariantsAnnotation | undefined;
  const exportKinds = (out['export'] as ExportKind[] | null) ?? [...(methodVariants?.defaultExport?.[kind] ?? [])];
  const folders = (ctx.schema.deref({ $ref: '#/$defs/output' })['properties'] as Record<string, Record<string, unknown>>)['export']?.['x-export-folders'] as Record<string, string> | undefined;
  const exportDirs = Object.fromEntries(exportKinds.map((k) => [k, join(outDir, folders?.[k] ?? k)]));

  const plugins = (doc['plugins'] as unknown[]).map((p, i): ResolvedPlugin => {
    const use = typeof p === 'string' ? p : String(obj(p)['use']);
    const dir = dirOf(['plugins', i]);
    const isPath = /^(?:\.{1,2}[\\/]|[\\/]|[A-Za-z]:[\\/])/.test(use);
    return {
      use,
      path: isPath ? resolveFrom(dir, use) : null,
      base_dir: dir,
      options: typeof p === 'string' ? {} : obj(obj(p)['options']),
      pointer: typeof p === 'string' ? joinPointer(['plugins', i]) : joinPointer(['plugins', i, 'options']),
    };
  });

  return {
    recipe_version: 1,
    description: String(doc['description'] ?? ''),
    source: ctx.source,
    model: {
      base,
      base_kind: baseKind,
      revision,
      init: m['init'] as 'pretrained' | 'random',
      config: obj(m['config']),
      dtype: m['dtype'] as ResolvedRecipe['model']['dtype'],
      offline: m['offline'] as boolean,
    },
    tokenizer: {
      path: tokPath,
      path_kind: tokKind,
      add_bos: (t['add_bos'] as boolean | null) ?? null,
      add_eos: t['add_eos'] as boolean,
      pad_token: (t['pad_token'] as string | null) ?? null,
      chat_template: chatTemplate,
    },
    data: {
      datasets,
      sequence_len: d['sequence_len'] as number,
      truncation: d['truncation'] as ResolvedRecipe['data']['truncation'],
      train_on_inputs: dataTrainOnInputs,
      packing: d['packing'] as boolean,
      val_set_size: d['val_set_size'] as number,
      shuffle: d['shuffle'] as boolean,
      on_bad_row: dataOnBadRow,
      cache_dir: cacheDir,
    },
    method: { ...resolvePaths(ctx.schema, { $ref: '#/$defs/method' }, me, ['method'], dirOf, wasWritten), kind },
    optimizer: obj(doc['optimizer']) as unknown as ResolvedRecipe['optimizer'],
    regularization: doc['regularization'] ? (resolvePaths(ctx.schema, ctx.schema.forInstance('/regularization') ?? {}, obj(doc['regularization']), ['regularization'], dirOf, wasWritten) as ResolvedRecipe['regularization']) : null,
    schedule: obj(doc['schedule']) as unknown as ResolvedRecipe['schedule'],
    training: {
      epochs: maxSteps === null ? (tr['epochs'] as number) : null,
      max_steps: maxSteps,
      micro_batch_size: micro,
      gradient_accumulation_steps: accum,
      effective_batch_size: micro * accum,
      max_grad_norm: tr['max_grad_norm'] as number,
      gradient_checkpointing: tr['gradient_checkpointing'] as boolean,
      seed: tr['seed'] as number,
    },
    eval: {
      steps: (ev['steps'] as number | null) ?? null,
      batch_size: (ev['batch_size'] as number | null) ?? micro,
      early_stopping: obj(ev['early_stopping']) as unknown as ResolvedRecipe['eval']['early_stopping'],
    },
    output: {
      dir: outDir,
      save_steps: (out['save_steps'] as number | null) ?? null,
      save_total_limit: (out['save_total_limit'] as number | null) ?? null,
      export: exportKinds,
      export_dirs: exportDirs,
      overwrite: out['overwrite'] as boolean,
    },
    logging: obj(doc['logging']) as unknown as ResolvedRecipe['logging'],
    engine: resolvePaths(ctx.schema, { $ref: '#/$defs/engine' }, obj(doc['engine']), ['engine'], dirOf, wasWritten) as ResolvedRecipe['engine'],
    plugins,
  };
}

/**
 * A copy of a plugin-owned block with every written string under an `x-path` schema node resolved
 * against the folder of the file that wrote it (e.g. `method.lora.init_from`).
 */
function resolvePaths(
  schema: RecipeSchema,
  nodeIn: SchemaNode,
  value: Obj,
  at: (string | number)[],
  dirOf: (segments: (string | number)[]) => string,
  written: (segments: (string | number)[]) => boolean,
): Obj {
  const walk = (n: SchemaNode, v: unknown, segs: (string | number)[]): unknown => {
    const node = schema.deref(n);
    if (typeof v === 'string' && node['x-path'] === true && written(segs)) return resolveFrom(dirOf(segs), v);
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const props = (node['properties'] ?? {}) as Record<string, SchemaNode>;
      return Object.fromEntries(Object.entries(v as Obj).map(([k, x]) => [k, props[k] ? walk(props[k], x, [...segs, k]) : x]));
    }
    if (Array.isArray(v) && node['items'] && typeof node['items'] === 'object') return v.map((x, i) => walk(node['items'] as SchemaNode, x, [...segs, i]));
    return v;
  };
  return walk(nodeIn, value, at) as Obj;
}
