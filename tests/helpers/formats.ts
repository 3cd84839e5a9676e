/** The first-party dataset formats by name, as the plugins register them (what `tune run` reads with). */
import type { DatasetFormat } from '../../src/data/format.js';
import { builtinPlugins } from '../../plugins/index.js';

export function builtinFormats(): Map<string, DatasetFormat> {
  return new Map(builtinPlugins().plugins.flatMap((p) => p.recipe?.datasetFormats ?? []).map((f) => [f.name, f as DatasetFormat]));
}
