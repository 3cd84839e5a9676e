/** PEFT's scaling: alpha / r, or alpha / sqrt(r) with rsLoRA. */
export function loraScaling(s: { r: number; alpha: number; rslora: boolean }): number {
  return s.rslora ? s.alpha / Math.sqrt(s.r) : s.alpha / s.r;
}
