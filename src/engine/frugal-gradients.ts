/**
 * A backward pass that frees memory as it goes, installed in place of tfjs' `engine.gradients`.
 *
 * tfjs' backward keeps every intermediate gradient and every tensor saved for backward until the
 * whole backward pass ends, so its peak holds all activations *and* all their gradients at once.
 * torch frees a node's saved tensors and its outputs' gradients as soon as the node has been
 * differentiated. This does the same: walking the tape from the loss back, after a node's input
 * gradients are computed, the gradients of its outputs (each tensor is the output of exactly one
 * node, so no other node needs them) and its saved tensors are disposed — unless a gradient
 * function handed one of them on unchanged as an input gradient, or it is a gradient the caller
 * asked for, or higher-order gradients are being recorded (then tfjs' lifetime rules apply).
 *
 * Results are identical (the same gradient functions run in the same order); only lifetimes change
 * — and, on the native engine, a gradient reaching a tensor from several places is summed in place
 * into the first one when nothing else can see it (`addInPlace`), as torch's `+=` does.
 * The forward pass, tape recording and `customGrad` are tfjs' own.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { addInPlace } from './host-storage.js';

/** The parts of a tfjs tape node this module reads. */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, Tensor>;
  outputs: Tensor[];
  saved?: Tensor[];
  gradient?: (dys: (Tensor | null)[]) => Record<string, () => Tensor>;
}

/** The parts of tfjs' Engine this module uses (internal API of tfjs-core 4.x). */
interface EngineInternals {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T extends tf.TensorContainer>(name: string | (() => T), f?: () => T): T;
  gradients(f: () => Tensor, xs: Tensor[], dy?: Tensor, allowNoGradients?: boolean): { value: Tensor; grads: Tensor[] };
  tunekitFrugalBackprop?: true;
}

/**
 * The nodes on a path from `xs` to `y`, in tape order, with each node's inputs narrowed to the
 * ones that depend on `xs` (the only ones that need gradients).
 */
export function nodesFromXsToY(tape: readonly TapeNode[], xs: readonly Tensor[], y: Tensor): TapeNode[] {
  const fromX = new Set<number>(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodeFromX.add(node.id);
      for (const o of node.outputs) fromX.add(o.id);
    }
  }
  const toY = new Set<number>([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i]!;
    if (!node.outputs.some((o) => toY.has(o.id))) continue;
    nodeToY.add(node.id);
    for (const t of Object.values(node.inputs)) toY.add(t.id);
  }
  const out: TapeNode[] = [];
  for (const node of tape) {
    if (!nodeFromX.has(node.id) || !nodeToY.has(node.id)) continue;
    const inputs: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(node.inputs)) if (fromX.has(t.id)) inputs[name] = t;
    out.push({ ...node, inputs });
  }
  return out;
}

function frugalGradients(this: EngineInternals, f: () => Tensor, xs: Tensor[], dy?: Tensor, allowNoGradients = false): { value: Tensor; grads: Tensor[] } {
  if (xs.length === 0) throw new Error('gradients() received an empty list of xs.');
  if (dy != null && dy.dtype !== 'float32') throw new Error(`dy must have 'float32' dtype, but has '${dy.dtype}'`);
  const y = this.scopedRun(
    () => this.startTape(),
    () => this.endTape(),
    () => this.tidy('forward', f),
  );
  if (!(y instanceof tf.Tensor)) throw new Error('The result y returned by f() must be a tensor.');
  const tape = this.state.activeTape ?? [];
  const nodes = nodesFromXsToY(tape, xs, y);
  if (!allowNoGradients && nodes.length === 0) {
    throw new Error('Cannot compute gradient of y=f(x) with respect to x. Make sure that the f you passed encloses all operations that lead from x to y.');
  }
  const topLevel = this.state.gradientDepth === 0;
  return this.tidy('backward', () => {
    const grads = new Map<number, Tensor>();
    grads.set(y.id, dy ?? tf.onesLike(y));
    const wanted = new Set(xs.map((x) => x.id));
    const uses = (t: Tensor): number => {
      let n = 0;
      for (const g of grads.values()) if (g === t) n++;
      return n;
    };
    const inUse = (t: Tensor): boolean => uses(t) > 0;
    for (let i = nodes.length - 1; i >= 0; i--) {
      const node = nodes[i]!;
      if (node.gradient == null) throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
      const inputGradients = node.gradient(node.outputs.map((o) => grads.get(o.id) ?? null));
      for (const [name, x] of Object.entries(node.inputs)) {
        const thunk = inputGradients[name];
        if (thunk === undefined) throw new Error(`Cannot backprop through input ${name}. Available gradients found: ${Object.keys(inputGradients).join(',')}.`);
        const dx = this.tidy(() => thunk());
        if (dx.dtype !== 'float32') throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input ${name} must have 'float32' dtype, but has '${dx.dtype}'`);
        if (!tf.util.arraysEqual(dx.shape, x.shape)) throw new Error(`Error in gradient for op ${node.kernelName}. The gradient of input '${name}' has shape '${dx.shape}', which does not match the shape of the input '${x.shape}'`);
        const prev = grads.get(x.id);
        if (prev === undefined) grads.set(x.id, dx);
        else if (prev !== dy && uses(prev) === 1 && !inUse(dx) && addInPlace(prev, dx)) {
          // Accumulated in place (as torch's `+=`): no third gradient-sized array.
          dx.dispose();
        } else {
          grads.set(x.id, tf.add(prev, dx));
          if (!inUse(prev)) prev.dispose();
          if (!inUse(dx)) dx.dispose();
        }
      }
      // This node is done: nothing later reads its outputs' gradients or its saved tensors.
      for (const o of node.outputs) {
        const g = grads.get(o.id);
        if (g === undefined || wanted.has(o.id) || g === dy) continue;
        grads.delete(o.id);
        if (!inUse(g)) g.dispose();
      }
      if (topLevel) for (const s of node.saved ?? []) if (!inUse(s)) s.dispose();
    }
    const result = xs.map((x) => grads.get(x.id) as Tensor);
    if (topLevel) {
      for (const node of tape) for (const s of node.saved ?? []) if (!result.includes(s)) s.dispose();
      this.state.activeTape = null;
    }
    return { value: y, grads: result };
  });
}

let stock: EngineInternals['gradients'] | null = null;

/** Replace the engine's backward pass with the frugal one (idempotent; applies to every backend). */
export function installFrugalGradients(): void {
  const engine = tf.engine() as unknown as EngineInternals;
  if (engine.tunekitFrugalBackprop) return;
  stock = engine.gradients;
  engine.gradients = frugalGradients;
  engine.tunekitFrugalBackprop = true;
}

/** Run `fn` with tfjs' own backward pass (for tests that compare the two). */
export function withStockGradients<T>(fn: () => T): T {
  const engine = tf.engine() as unknown as EngineInternals;
  if (!stock) return fn();
  const mine = engine.gradients;
  engine.gradients = stock;
  try {
    return fn();
  } finally {
    engine.gradients = mine;
  }
}
