/**
 * What trains in a full fine-tune (`planModel`, TensorFlow-free): every parameter, except those whose
 * name a `method.freeze` regex finds; patterns that match nothing are an error.
 */
import type { ModelPlacement, PlanModelContext } from '../../src/plugin-api.js';
import { codes } from './codes.js';

export function planFull(p: ModelPlacement, ctx: PlanModelContext): ModelPlacement | void {
  if (ctx.recipe.method.kind !== 'full') return;
  const freeze = (ctx.recipe.method['freeze'] as string[] | undefined) ?? [];
  const patterns = freeze.map((src) => new RegExp(src, 'u'));
  let frozen = 0;
  for (const t of p.tensors) {
    t.trainable = !patterns.some((re) => re.test(t.name));
    if (!t.trainable) frozen++;
  }
  if (patterns.length && frozen === 0) {
    ctx.report(
      codes.diag('FULL_FREEZE_MATCHES_NOTHING', `method.freeze ${JSON.stringify(freeze)} matches no parameter`, {
        ...ctx.at('/method/freeze'),
        hint: `parameter names look like ${p.tensors[1]?.name ?? '?'}`,
      }),
    );
  }
  if (freeze.length) p.summary.push(`freeze ${JSON.stringify(freeze)} (${frozen} tensors frozen)`);
  return p;
}
