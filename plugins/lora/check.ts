/**
 * What JSON Schema cannot say about `method.lora`: the adapter to continue from exists, regexes
 * compile, and — when the model's architecture is known without a download — every target and
 * `modules_to_save` entry names a module of it, and no target is a normalization layer (PEFT adapts
 * linear layers, embeddings and the output head only).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Diagnostic, type RecipeCheckContext, type ResolvedRecipe, diag, modulePaths, suggest, targetMatches } from '../../src/plugin-api.js';
import { codes } from './codes.js';
import type { LoraSettings } from './settings.generated.js';

export function checkLora(recipe: ResolvedRecipe, ctx: RecipeCheckContext): Diagnostic[] {
  const lora = recipe.method['lora'] as LoraSettings | undefined;
  if (!lora) return [];
  const out: Diagnostic[] = [];
  if (lora.init_from && !existsSync(join(lora.init_from, 'adapter_config.json'))) {
    const written = ctx.written('/method/lora/init_from');
    const what = existsSync(lora.init_from) ? 'adapter_config.json in' : 'adapter folder';
    out.push(
      ctx.report(
        diag('RECIPE_PATH_NOT_FOUND', `${what} \`${typeof written === 'string' ? written : lora.init_from}\` does not exist`, {
          found: `nothing at ${lora.init_from}`,
          hint: 'give a PEFT adapter folder (adapter_config.json + adapter_model.safetensors)',
        }),
        '/method/lora/init_from',
      ),
    );
  }
  const badRegex = new Set<string>();
  for (const [src, ptr] of [
    [typeof lora.target_modules === 'string' && lora.target_modules !== 'all-linear' ? lora.target_modules : null, '/method/lora/target_modules'],
    [typeof lora.exclude_modules === 'string' ? lora.exclude_modules : null, '/method/lora/exclude_modules'],
  ] as const) {
    if (src === null) continue;
    try {
      new RegExp(src);
    } catch (e) {
      badRegex.add(ptr);
      out.push(ctx.report(diag('RECIPE_REGEX', `invalid regular expression: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`), ptr));
    }
  }
  const facts = ctx.arch;
  if (!facts) return out;
  const paths = modulePaths(facts);
  const norms = new Set(facts.norms);
  const names = [...new Set(paths.map((p) => p.slice(p.lastIndexOf('.') + 1)))];
  const unknown = (t: string, ptr: string): void => {
    const near = suggest(t, names);
    out.push(
      ctx.report(
        diag('RECIPE_TARGET_MODULE_UNKNOWN', `module \`${t}\` does not exist in a \`${facts.modelType}\` model`, {
          expected: names.map((n) => `\`${n}\``).join(', '),
          ...(near ? { hint: `did you mean \`${near}\`?` } : {}),
        }),
        ptr,
      ),
    );
  };
  const normTarget = (what: string, ptr: string): void => {
    out.push(
      ctx.report(
        codes.diag('LORA_UNSUPPORTED_TARGET', `${what} a normalization layer: PEFT adapts linear layers, embeddings and the output head only`, {
          hint: 'train normalization layers fully instead by listing them in `modules_to_save`',
        }),
        ptr,
      ),
    );
  };
  const tm = lora.target_modules;
  if (Array.isArray(tm)) {
    tm.forEach((t, i) => {
      const hits = paths.filter((p) => targetMatches([t], p));
      if (!hits.length) unknown(t, `/method/lora/target_modules/${i}`);
      else if (hits.every((p) => norms.has(p))) normTarget(`\`${t}\` is`, `/method/lora/target_modules/${i}`);
    });
  } else if (typeof tm === 'string' && tm !== 'all-linear' && !badRegex.has('/method/lora/target_modules')) {
    const hits = paths.filter((p) => targetMatches(tm, p));
    if (!hits.length) {
      out.push(ctx.report(diag('RECIPE_TARGET_MODULE_UNKNOWN', `the target regex matches no module of a \`${facts.modelType}\` model`, { hint: `module names look like \`${facts.blockLinears[0]}\`` }), '/method/lora/target_modules'));
    } else {
      const normHits = hits.filter((p) => norms.has(p));
      if (normHits.length) normTarget(`the target regex matches \`${normHits[0]}\`,`, '/method/lora/target_modules');
    }
  }
  lora.modules_to_save.forEach((t, i) => {
    if (!paths.some((p) => targetMatches([t], p))) unknown(t, `/method/lora/modules_to_save/${i}`);
  });
  return out;
}
