/**
 * Gradients. @tensorflow/tfjs-core's Node bundle registers none (the gradient table ships with the
 * @tensorflow/tfjs union package, whose Node bundle registers it on the shared core when loaded),
 * so {@link registerEngineGradients} loads that table once and adds the few a transformer path
 * can hit that tfjs lacks or gets wrong: BatchMatMul with broadcast batch dims, GatherNd (picking
 * label log-probs), and zero gradients for comparison / logical ops (masks computed from
 * activations), which TF treats as constants.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { batchMatMulGradConfig } from './batch-mat-mul-grad.js';

/** The union package, imported by a computed specifier for its registration side effect only. */
const UNION_PACKAGE = ['@tensorflow', 'tfjs'].join('/');

const BINARY_ZERO_GRAD = ['Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual', 'LogicalAnd', 'LogicalOr'];
const UNARY_ZERO_GRAD = ['LogicalNot', 'IsNan', 'IsInf', 'IsFinite'];

function zeroGrad(kernelName: string, inputs: string[]): GradConfig {
  return {
    kernelName,
    inputsToSave: inputs,
    gradFunc: (_dy: Tensor | Tensor[], saved: Tensor[]) => {
      const out: Record<string, () => Tensor> = {};
      saved.forEach((t, i) => {
        out[inputs[i]!] = () => tf.zerosLike(t);
      });
      return out;
    },
  };
}

const gatherNdGrad: GradConfig = {
  kernelName: 'GatherNd',
  inputsToSave: ['params', 'indices'],
  gradFunc: (dy: Tensor | Tensor[], saved: Tensor[], _attrs?: NamedAttrMap) => {
    const [params, indices] = saved as [Tensor, Tensor];
    return {
      params: () => tf.scatterND(indices, dy as Tensor, params.shape),
      indices: () => tf.zerosLike(indices),
    };
  },
};

let unionLoaded: Promise<void> | null = null;

/**
 * Register every gradient tfjs knows plus the engine's additions. Idempotent; never replaces a
 * gradient that is already registered.
 */
export async function registerEngineGradients(): Promise<string[]> {
  unionLoaded ??= import(UNION_PACKAGE).then(() => undefined);
  await unionLoaded;
  const added: string[] = [];
  const extra: GradConfig[] = [
    gatherNdGrad,
    ...BINARY_ZERO_GRAD.map((k) => zeroGrad(k, ['a', 'b'])),
    ...UNARY_ZERO_GRAD.map((k) => zeroGrad(k, ['x'])),
  ];
  for (const g of extra) {
    if (tf.getGradient(g.kernelName) == null) {
      tf.registerGradient(g);
      added.push(g.kernelName);
    }
  }
  // Replaced even when tfjs has one: tfjs' BatchMatMul gradient breaks on broadcast batch dims.
  if (tf.getGradient('BatchMatMul') !== batchMatMulGradConfig) {
    tf.unregisterGradient('BatchMatMul');
    tf.registerGradient(batchMatMulGradConfig);
    added.push('BatchMatMul');
  }
  return added;
}
