// The fused GRU's training pass without TensorFlow.js: the loss and the gradient of every parameter of a
// batch, the same function and the same backward pass as gru-backprop.ts (GRU → dense relu → dropout →
// softmax, soft-label cross-entropy), in float32 in one WebAssembly instance's memory. TF.js spends most of a
// batch dispatching its small per-step ops (hundreds of kernels per batch); here each matrix product is one
// call of matvec.wat's `gemm` (SIMD tiles of 4 rows × 8 columns) and the element-wise gate math is a loop
// over a whole step's block. Everything lives in memory laid out once for `capacity` examples: no
// allocation per batch. Layout of a batch of B examples (row-major blocks, step t's rows at t·B):
//   x [T·B, F+1] (the constant-1 column carries the input biases), current [B, C+1] (likewise the dense bias),
//   z, r (gates after the sigmoid), candidate, resetState (r · previous) [T·B, H], states [(T+1)·B, H]
//   (state 0 is zero), and their gradients dz, dr, da (of the pre-activations) [T·B, H].
// No TF.js here, so a worker thread can load it alone.
import { HOURS_PER_DAY } from "../core/hours";
import type { TrainingBatch } from "./batch";
import { type GruDims, PARAM_NAMES, type ParamName, paramShapes } from "./gru-params";
import { FLOAT_BYTES, Layout, type MatvecExports, instantiateMatvec, reserve } from "./wasm-kernel";

const EPSILON = 1e-7;
/** Rows of the summed dimension per gemm call (see gemm). */
const K_BLOCK = 64;

/** A batch's rows padded to a multiple of 4, so that every step's block of rows is whole SIMD vectors. */
const paddedRows = (size: number) => Math.ceil(size / 4) * 4;

export class GruKernel {
  /** Parameters (and gradient values) in the optimizer's flat layout. */
  readonly paramCount: number;
  private readonly wasm: MatvecExports;
  private floats: Float32Array;
  /** Byte address of each parameter in the parameter block, and of its gradient in the gradient block. */
  private readonly param: Record<ParamName, number>;
  private readonly grad: Record<ParamName, number>;
  private readonly grads: number;
  // Transposed copies of the weights the backward pass multiplies by, made by setParams.
  private readonly recurrentZT: number;
  private readonly recurrentRT: number;
  private readonly recurrentHT: number;
  private readonly denseStateT: number;
  private readonly outputT: number;
  // Per-batch blocks (sized for `capacity` examples).
  private readonly x: number;
  private readonly current: number;
  private readonly z: number;
  private readonly r: number;
  private readonly candidate: number;
  private readonly resetState: number;
  private readonly states: number;
  private readonly dz: number;
  private readonly dr: number;
  private readonly da: number;
  private readonly dState: number;
  private readonly dResetState: number;
  private readonly pre: number;
  private readonly dropped: number;
  private readonly dPre: number;
  private readonly logits: number;

  constructor(
    readonly dims: GruDims,
    readonly steps: number,
    /** Largest batch (or shard) this kernel takes. */
    readonly capacity: number,
  ) {
    const { stepWidth: f, currentWidth: c, units: h, denseUnits: d } = dims;
    const shapes = paramShapes(dims);
    const layout = new Layout();
    const sizes = PARAM_NAMES.map((name) => shapes[name].reduce((a, b) => a * b, 1));
    this.paramCount = sizes.reduce((a, b) => a + b, 0);
    // Each block's parameters consecutive, as in the flat vector, so that one copy loads or reads them all.
    const block = (start: number) => {
      let offset = start;
      return Object.fromEntries(
        PARAM_NAMES.map((name, i) => {
          const at = offset;
          offset += sizes[i]! * FLOAT_BYTES;
          return [name, at];
        }),
      ) as Record<ParamName, number>;
    };
    this.param = block(layout.take(this.paramCount));
    this.grads = layout.take(this.paramCount);
    this.grad = block(this.grads);
    this.recurrentZT = layout.take(h * h);
    this.recurrentRT = layout.take(h * h);
    this.recurrentHT = layout.take(h * h);
    this.denseStateT = layout.take(d * h);
    this.outputT = layout.take(HOURS_PER_DAY * d);
    const b = paddedRows(capacity);
    const t = steps;
    this.x = layout.take(t * b * (f + 1));
    this.current = layout.take(b * (c + 1));
    this.z = layout.take(t * b * h);
    this.r = layout.take(t * b * h);
    this.candidate = layout.take(t * b * h);
    this.resetState = layout.take(t * b * h);
    this.states = layout.take((t + 1) * b * h);
    this.dz = layout.take(t * b * h);
    this.dr = layout.take(t * b * h);
    this.da = layout.take(t * b * h);
    this.dState = layout.take(b * h);
    this.dResetState = layout.take(b * h);
    this.pre = layout.take(b * d);
    this.dropped = layout.take(b * d);
    this.dPre = layout.take(b * d);
    this.logits = layout.take(b * HOURS_PER_DAY);
    this.wasm = instantiateMatvec();
    this.floats = reserve(this.wasm, layout.end, new Float32Array(this.wasm.memory.buffer));
  }

  /** Loads the parameters (the optimizer's flat layout) and the transposed copies the backward pass uses. */
  setParams(values: Float32Array): void {
    if (values.length !== this.paramCount) {
      throw new Error(`a parameter vector of ${values.length} values for a model of ${this.paramCount}`);
    }
    const { units: h, denseUnits: d } = this.dims;
    this.floats.set(values, this.param.inputZ / FLOAT_BYTES);
    this.transpose(this.param.recurrentZ, h, h, this.recurrentZT);
    this.transpose(this.param.recurrentR, h, h, this.recurrentRT);
    this.transpose(this.param.recurrentH, h, h, this.recurrentHT);
    this.transpose(this.param.denseState, h, d, this.denseStateT);
    this.transpose(this.param.output, d, HOURS_PER_DAY, this.outputT);
  }

  /**
   * The gradient of the batch's loss summed over its examples and divided by `meanOver` (the batch's size,
   * or for a shard the whole batch's), written into `gradient` (flat layout); returns the summed loss.
   * `mask` holds the dropout mask, D values per example (0 or 1/(1-rate)), or is null for no dropout.
   */
  lossAndGradient(
    batch: TrainingBatch,
    mask: Float32Array | null,
    meanOver: number,
    gradient: Float32Array,
  ): number {
    const rows = paddedRows(batch.size);
    this.load(batch, rows);
    this.forward(rows);
    const loss = this.head(batch, rows, mask, meanOver);
    this.backward(rows);
    const from = this.grads / FLOAT_BYTES;
    gradient.set(this.floats.subarray(from, from + this.paramCount));
    return loss;
  }

  /** The batch's inputs with their constant-1 columns, each step's rows padded with zero rows to `rows`. */
  private load(batch: TrainingBatch, rows: number): void {
    const { stepWidth: f, currentWidth: c } = this.dims;
    const { size, steps } = batch;
    if (batch.stepWidth !== f || batch.currentWidth !== c || steps !== this.steps) {
      throw new Error(
        `batch has ${steps} steps of ${batch.stepWidth} features and ${batch.currentWidth} current features; ` +
          `the kernel was made for ${this.steps}, ${f} and ${c}`,
      );
    }
    if (size > this.capacity || size < 1) {
      throw new Error(`a batch of ${size} examples for a kernel made for 1 to ${this.capacity}`);
    }
    const { floats } = this;
    const f1 = f + 1;
    const x = this.x / FLOAT_BYTES;
    for (let t = 0; t < steps; t++) {
      for (let b = 0; b < size; b++) {
        const from = (t * size + b) * f;
        const to = x + (t * rows + b) * f1;
        floats.set(batch.sequence.subarray(from, from + f), to);
        floats[to + f] = 1;
      }
      floats.fill(0, x + (t * rows + size) * f1, x + (t + 1) * rows * f1);
    }
    const current = this.current / FLOAT_BYTES;
    for (let b = 0; b < size; b++) {
      floats.set(batch.current.subarray(b * c, b * c + c), current + b * (c + 1));
      floats[current + b * (c + 1) + c] = 1;
    }
    floats.fill(0, current + size * (c + 1), current + rows * (c + 1));
  }

  /**
   * The GRU over all steps of `rows` rows (a multiple of 4, so that each step's block is whole vectors):
   * gates, candidates, reset states and states kept for the backward pass. A zero padding row (its 1-column
   * too) has zero pre-activations, a zero candidate and so a zero state at every step.
   */
  private forward(rows: number): void {
    const { stepWidth: f, units: h } = this.dims;
    const { floats, wasm } = this;
    const all = this.steps * rows;
    const hb = h * FLOAT_BYTES;
    const block = rows * h;
    const blockBytes = block * FLOAT_BYTES;
    // The input projections of all steps at once (biases from the 1-column).
    // The first step's r is never used (its previous state is zero): its block is left out.
    floats.fill(0, this.z / FLOAT_BYTES, this.z / FLOAT_BYTES + all * h);
    floats.fill(0, this.r / FLOAT_BYTES + block, this.r / FLOAT_BYTES + all * h);
    floats.fill(0, this.candidate / FLOAT_BYTES, this.candidate / FLOAT_BYTES + all * h);
    const xRow = (f + 1) * FLOAT_BYTES;
    this.gemm(this.z, hb, this.x, xRow, FLOAT_BYTES, this.param.inputZ, hb, all, h, f + 1);
    this.gemm(
      this.r + blockBytes,
      hb,
      this.x + rows * xRow,
      xRow,
      FLOAT_BYTES,
      this.param.inputR,
      hb,
      all - rows,
      h,
      f + 1,
    );
    this.gemm(this.candidate, hb, this.x, xRow, FLOAT_BYTES, this.param.inputH, hb, all, h, f + 1);
    floats.fill(0, this.states / FLOAT_BYTES, this.states / FLOAT_BYTES + block);
    floats.fill(0, this.resetState / FLOAT_BYTES, this.resetState / FLOAT_BYTES + block);
    for (let t = 0; t < this.steps; t++) {
      const at = t * blockBytes;
      const previous = this.states + at;
      const z = this.z + at;
      const r = this.r + at;
      const a = this.candidate + at;
      const resetState = this.resetState + at;
      // The first step's previous state is zero: no recurrent products, and r is not needed.
      if (t > 0) {
        this.gemm(z, hb, previous, hb, FLOAT_BYTES, this.param.recurrentZ, hb, rows, h, h);
        this.gemm(r, hb, previous, hb, FLOAT_BYTES, this.param.recurrentR, hb, rows, h, h);
        wasm.resetGate(r, previous, resetState, block);
        this.gemm(a, hb, resetState, hb, FLOAT_BYTES, this.param.recurrentH, hb, rows, h, h);
      }
      wasm.candidateState(z, a, previous, previous + blockBytes, block);
    }
  }

  /**
   * Dense layers, softmax and loss of the batch's examples; leaves dLogits in `logits` (zero in the padding
   * rows), the head's gradients and dState; returns the summed loss.
   */
  private head(batch: TrainingBatch, rows: number, mask: Float32Array | null, meanOver: number): number {
    const { currentWidth: c, units: h, denseUnits: d } = this.dims;
    const { floats } = this;
    const size = batch.size;
    const db = d * FLOAT_BYTES;
    const hours = HOURS_PER_DAY;
    const final = this.states + this.steps * rows * h * FLOAT_BYTES;
    const pre = this.pre / FLOAT_BYTES;
    floats.fill(0, pre, pre + rows * d);
    this.gemm(this.pre, db, final, h * FLOAT_BYTES, FLOAT_BYTES, this.param.denseState, db, rows, d, h);
    this.gemm(
      this.pre,
      db,
      this.current,
      (c + 1) * FLOAT_BYTES,
      FLOAT_BYTES,
      this.param.denseCurrent,
      db,
      rows,
      d,
      c + 1,
    );
    const dropped = this.dropped / FLOAT_BYTES;
    for (let i = 0; i < size * d; i++) {
      const value = floats[pre + i]! > 0 ? floats[pre + i]! : 0;
      floats[dropped + i] = mask === null ? value : value * mask[i]!;
    }
    floats.fill(0, dropped + size * d, dropped + rows * d);
    const logits = this.logits / FLOAT_BYTES;
    const bias = this.param.outputBias / FLOAT_BYTES;
    for (let b = 0; b < size; b++) floats.copyWithin(logits + b * hours, bias, bias + hours);
    this.gemm(
      this.logits,
      hours * FLOAT_BYTES,
      this.dropped,
      db,
      FLOAT_BYTES,
      this.param.output,
      hours * FLOAT_BYTES,
      size,
      hours,
      d,
    );
    // Softmax, the loss on probabilities clipped to [1e-7, 1] (Keras's), and dLogits = (p - labels) / meanOver.
    let loss = 0;
    for (let b = 0; b < size; b++) {
      const row = logits + b * hours;
      let max = -Infinity;
      for (let j = 0; j < hours; j++) max = Math.max(max, floats[row + j]!);
      let total = 0;
      for (let j = 0; j < hours; j++) {
        floats[row + j] = Math.exp(floats[row + j]! - max);
        total += floats[row + j]!;
      }
      for (let j = 0; j < hours; j++) {
        const probability = Math.fround(floats[row + j]! / total);
        const label = batch.labels[b * hours + j]!;
        loss -= label * Math.log(Math.min(Math.max(probability, EPSILON), 1));
        floats[row + j] = (probability - label) / meanOver;
      }
    }
    floats.fill(0, logits + size * hours, logits + rows * hours);
    // The head's gradients.
    floats.fill(0, this.grads / FLOAT_BYTES, this.grads / FLOAT_BYTES + this.paramCount);
    this.gemm(
      this.grad.output,
      hours * FLOAT_BYTES,
      this.dropped,
      FLOAT_BYTES,
      db,
      this.logits,
      hours * FLOAT_BYTES,
      d,
      hours,
      size,
    );
    const outputBias = this.grad.outputBias / FLOAT_BYTES;
    for (let b = 0; b < size; b++) {
      for (let j = 0; j < hours; j++)
        floats[outputBias + j] = floats[outputBias + j]! + floats[logits + b * hours + j]!;
    }
    const dPre = this.dPre / FLOAT_BYTES;
    floats.fill(0, dPre, dPre + rows * d);
    this.gemm(this.dPre, db, this.logits, hours * FLOAT_BYTES, FLOAT_BYTES, this.outputT, db, size, d, hours);
    for (let i = 0; i < size * d; i++) {
      const kept = floats[pre + i]! > 0 ? (mask === null ? 1 : mask[i]!) : 0;
      floats[dPre + i] = floats[dPre + i]! * kept;
    }
    this.gemm(this.grad.denseState, db, final, FLOAT_BYTES, h * FLOAT_BYTES, this.dPre, db, h, d, size);
    this.gemm(
      this.grad.denseCurrent,
      db,
      this.current,
      FLOAT_BYTES,
      (c + 1) * FLOAT_BYTES,
      this.dPre,
      db,
      c + 1,
      d,
      size,
    );
    const dState = this.dState / FLOAT_BYTES;
    floats.fill(0, dState, dState + rows * h);
    this.gemm(
      this.dState,
      h * FLOAT_BYTES,
      this.dPre,
      db,
      FLOAT_BYTES,
      this.denseStateT,
      h * FLOAT_BYTES,
      size,
      h,
      d,
    );
    return loss;
  }

  /**
   * Back through time from dState (gru-backprop.ts's equations), then the weight gradients of all steps
   * as one product per matrix (the padding rows add nothing: their gradients are zero; nor does the first
   * step where its zero state, zero reset state or zero dr is a factor).
   */
  private backward(rows: number): void {
    const { stepWidth: f, units: h } = this.dims;
    const { floats, wasm } = this;
    const hb = h * FLOAT_BYTES;
    const block = rows * h;
    const blockBytes = block * FLOAT_BYTES;
    for (let t = this.steps - 1; t >= 0; t--) {
      const at = t * blockBytes;
      const z = this.z + at;
      const dz = this.dz + at;
      const da = this.da + at;
      const dr = this.dr + at;
      wasm.backUpdate(this.dState, z, this.candidate + at, this.states + at, dz, da, block);
      if (t === 0) break;
      floats.fill(0, this.dResetState / FLOAT_BYTES, this.dResetState / FLOAT_BYTES + block);
      this.gemm(this.dResetState, hb, da, hb, FLOAT_BYTES, this.recurrentHT, hb, rows, h, h);
      wasm.backReset(this.dState, this.dResetState, z, this.r + at, this.resetState + at, dr, block);
      this.gemm(this.dState, hb, dz, hb, FLOAT_BYTES, this.recurrentZT, hb, rows, h, h);
      this.gemm(this.dState, hb, dr, hb, FLOAT_BYTES, this.recurrentRT, hb, rows, h, h);
    }
    const all = this.steps * rows;
    const later = all - rows;
    const xRow = (f + 1) * FLOAT_BYTES;
    const x1 = this.x + rows * xRow;
    this.gemm(this.grad.inputZ, hb, this.x, FLOAT_BYTES, xRow, this.dz, hb, f + 1, h, all);
    this.gemm(this.grad.inputR, hb, x1, FLOAT_BYTES, xRow, this.dr + blockBytes, hb, f + 1, h, later);
    this.gemm(this.grad.inputH, hb, this.x, FLOAT_BYTES, xRow, this.da, hb, f + 1, h, all);
    const states1 = this.states + blockBytes;
    this.gemm(this.grad.recurrentZ, hb, states1, FLOAT_BYTES, hb, this.dz + blockBytes, hb, h, h, later);
    this.gemm(this.grad.recurrentR, hb, states1, FLOAT_BYTES, hb, this.dr + blockBytes, hb, h, h, later);
    const reset1 = this.resetState + blockBytes;
    this.gemm(this.grad.recurrentH, hb, reset1, FLOAT_BYTES, hb, this.da + blockBytes, hb, h, h, later);
  }

  /**
   * gemm over the summed dimension in blocks of K_BLOCK rows, so that the blocks of A and B that a block's
   * tiles read again and again stay in the L1 cache (the weight gradients sum over all T·B rows; unblocked,
   * every 4 × 8 tile streamed both operands from memory). Each C value is still summed over q in order.
   */
  private readonly gemm: MatvecExports["gemm"] = (c, cRow, a, aRow, aCol, b, bRow, m, n, k) => {
    for (let q = 0; q < k; q += K_BLOCK) {
      this.wasm.gemm(c, cRow, a + q * aCol, aRow, aCol, b + q * bRow, bRow, m, n, Math.min(K_BLOCK, k - q));
    }
  };

  /** The rows x cols matrix at `from` transposed into `to` (cols x rows). */
  private transpose(from: number, rows: number, cols: number, to: number): void {
    const { floats } = this;
    const source = from / FLOAT_BYTES;
    const target = to / FLOAT_BYTES;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) floats[target + j * rows + i] = floats[source + i * cols + j]!;
    }
  }
}
