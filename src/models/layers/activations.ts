/** Activation functions by HF name (`ACT2FN`), with HF's exact formulas. */
import { geluTanhOp, tf } from '../../engine/index.js';

/** HF activation names tunekit implements. */
export type ActivationName = 'gelu_new' | 'gelu_pytorch_tanh' | 'gelu' | 'relu' | 'silu';

/** Apply an activation by HF name. */
export function activation(name: ActivationName, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    switch (name) {
      case 'gelu_new':
      case 'gelu_pytorch_tanh':
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), fused where the engine has the kernel
        return geluTanhOp(x);
      case 'gelu':
        // exact erf GELU: 0.5·x·(1 + erf(x/√2))
        return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1));
      case 'relu':
        return tf.relu(x);
      case 'silu':
        return tf.mul(x, tf.sigmoid(x));
    }
  });
}
