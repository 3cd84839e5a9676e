import { type LinearImpl, type LinearLayout, Parameter, tf } from '../../src/index.js';
import { loraScaling } from './scaling.js';

export { loraScaling };

export interface LoraLayerSettings {
  r: number;
  alpha: number;
  dropout: number;
  rslora: boolean;
}


/**
 * y = base(x) + scaling · B(A(dropout(x))) with `lora_A.weight [r, in]`, `lora_B.weight [out, r]`
 * (nn.Linear layout even when the base is a GPT-2 Conv1D, as PEFT stores them). Dropout touches only
 * the LoRA input; `dropoutSeed()` supplies a fresh deterministic seed per call while training.
 */
export class LoraLinear implements LinearImpl {
  readonly kind: string;
  readonly scaling: number;

  constructor(
    readonly base: LinearImpl,
    readonly layout: LinearLayout,
    readonly loraA: Parameter,
    readonly loraB: Parameter,
    readonly settings: LoraLayerSettings,
    private readonly dropoutSeed: () => number = () => 0,
    private readonly isTraining: () => boolean = () => false,
  ) {
    this.kind = `${base.kind}+lora`;
    this.scaling = loraScaling(settings);
  }

  apply(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const y = this.base.apply(x);
      const inF = x.shape[x.shape.length - 1] as number;
      let h = tf.reshape(x, [-1, inF]);
      if (this.settings.dropout > 0 && this.isTraining()) h = tf.dropout(h, this.settings.dropout, undefined, this.dropoutSeed());
      const a = tf.matMul(h, this.loraA.value, false, true);
      const b = tf.matMul(a, this.loraB.value, false, true);
      const delta = tf.reshape(tf.mul(b, this.scaling), y.shape);
      return tf.add(y, delta);
    });
  }

  parameters(): [string, Parameter][] {
    return [...this.base.parameters(), ['lora_A.weight', this.loraA], ['lora_B.weight', this.loraB]];
  }

  /** ΔW = scaling · B @ A in the base weight's layout (transposed for Conv1D / fan_in_fan_out). */
  deltaWeight(): tf.Tensor2D {
    return tf.tidy(() => {
      const d = tf.mul(tf.matMul(this.loraB.value as tf.Tensor2D, this.loraA.value as tf.Tensor2D), this.scaling) as tf.Tensor2D;
      return this.layout === 'conv1d' ? tf.transpose(d) : d;
    });
  }

  dispose(): void {
    this.loraA.dispose();
    this.loraB.dispose();
  }
}

/** Sample `lora_A` as PEFT's default init: kaiming_uniform(a=√5) = U(−1/√in, 1/√in). */
export function kaimingUniformA(r: number, inFeatures: number, uniform: () => number): Float32Array {
  const bound = 1 / Math.sqrt(inFeatures);
  const out = new Float32Array(r * inFeatures);
  for (let i = 0; i < out.length; i++) out[i] = (uniform() * 2 - 1) * bound;
  return out;
}

/** PEFT `init_lora_weights="gaussian"`: A ~ N(0, 1/r). */
export function gaussianA(r: number, inFeatures: number, normal: () => number): Float32Array {
  const out = new Float32Array(r * inFeatures);
  for (let i = 0; i < out.length; i++) out[i] = normal() / r;
  return out;
}

export { Parameter };
