// The fused GRU's forward pass for inference, without TensorFlow.js: the same function as FusedGruModel (same
// parameters, gates, tanh, dense relu and softmax), in float32. Serving predicts small batches (the requests
// that arrived within a millisecond), where TF.js's fixed cost per op (a dozen ops per step) outweighs the
// arithmetic. Here each example runs through its steps with three calls of one WebAssembly SIMD kernel
// (matvec.wat: out += x · W) per step, and the gates' sigmoid and tanh in JavaScript on the same memory.
// Nothing is allocated per batch beyond the output. This module imports no TF.js, so a worker thread can
// load it alone.
import { HOURS_PER_DAY } from "../core/hours";
import type { HourModel, InputBatch } from "./batch";
import type { GateActivation } from "./fused-gru";
import type { GruDims, GruParams } from "./gru-params";
import { MATVEC_WASM_BASE64 } from "./matvec-wasm";

interface MatvecExports {
  memory: WebAssembly.Memory;
  /** out[j] += sum_i x[i] * w[i * cols + j] (byte addresses of float32 arrays). */
  matvecAdd(out: number, x: number, w: number, rows: number, cols: number): void;
  /** z, r = sigmoid(z), sigmoid(r) in place at `projected`; resetState = r * state. */
  gates(projected: number, state: number, resetState: number, units: number): void;
  /** candidate = tanh(h); state = candidate + z * (state - candidate). */
  update(projected: number, state: number, units: number): void;
}

let compiled: WebAssembly.Module | undefined;

function instantiate(): MatvecExports {
  compiled ??= new WebAssembly.Module(Buffer.from(MATVEC_WASM_BASE64, "base64"));
  return new WebAssembly.Instance(compiled).exports as unknown as MatvecExports;
}

const PAGE_BYTES = 65_536;
const FLOAT_BYTES = 4;

/** Byte addresses of the arrays in the kernel's memory, each 16-byte aligned (a SIMD vector). */
class Layout {
  end = 0;
  take(floats: number): number {
    const at = this.end;
    this.end += Math.ceil(floats / 4) * 16;
    return at;
  }
}

/** Units rounded up to a multiple of 4 (one SIMD vector); the padding units' weights are zero. */
const vectorWidth = (units: number) => Math.ceil(units / 4) * 4;

export class GruInference implements HourModel {
  private readonly kernel: MatvecExports;
  private floats: Float32Array;
  /** Units padded to a multiple of 4: each gate group starts on a vector. */
  private readonly padded: number;
  // Byte addresses: the parameters, then one example's scratch, then the batch's inputs.
  private readonly inputKernel: number;
  private readonly recurrentZR: number;
  private readonly recurrentH: number;
  private readonly denseState: number;
  private readonly denseCurrent: number;
  private readonly output: number;
  private readonly outputBias: number;
  private readonly state: number;
  private readonly projected: number;
  private readonly resetState: number;
  private readonly hidden: number;
  private readonly logits: number;
  private readonly inputs: number;

  constructor(
    readonly dims: GruDims,
    params: GruParams,
    readonly activation: GateActivation = "sigmoid",
  ) {
    const { stepWidth: f, currentWidth: c, units: h, denseUnits: d } = dims;
    const p = vectorWidth(h);
    this.padded = p;
    const layout = new Layout();
    this.inputKernel = layout.take((f + 1) * 3 * p);
    this.recurrentZR = layout.take(h * 2 * p);
    this.recurrentH = layout.take(h * p);
    this.denseState = layout.take(h * d);
    this.denseCurrent = layout.take((c + 1) * d);
    this.output = layout.take(d * HOURS_PER_DAY);
    this.outputBias = layout.take(HOURS_PER_DAY);
    this.state = layout.take(p);
    this.projected = layout.take(3 * p);
    this.resetState = layout.take(p);
    this.hidden = layout.take(d);
    this.logits = layout.take(HOURS_PER_DAY);
    this.inputs = layout.end;
    this.kernel = instantiate();
    this.floats = new Float32Array(this.kernel.memory.buffer);
    const floats = this.reserve(this.inputs);
    // Row by row, the gates z, r, h each padded to p columns; [inputZ | inputR | inputH] side by side, so
    // that one kernel call projects the input for all three gates, and [recurrentZ | recurrentR] likewise.
    const at = (address: number) => address / FLOAT_BYTES;
    const row = (matrix: Float32Array, r: number) => matrix.subarray(r * h, (r + 1) * h);
    for (let r = 0; r <= f; r++) {
      const out = at(this.inputKernel) + r * 3 * p;
      floats.set(row(params.inputZ, r), out);
      floats.set(row(params.inputR, r), out + p);
      floats.set(row(params.inputH, r), out + 2 * p);
    }
    for (let r = 0; r < h; r++) {
      const out = at(this.recurrentZR) + r * 2 * p;
      floats.set(row(params.recurrentZ, r), out);
      floats.set(row(params.recurrentR, r), out + p);
      floats.set(row(params.recurrentH, r), at(this.recurrentH) + r * p);
    }
    floats.set(params.denseState, at(this.denseState));
    floats.set(params.denseCurrent, at(this.denseCurrent));
    floats.set(params.output, at(this.output));
    floats.set(params.outputBias, at(this.outputBias));
  }

  predictProbabilities(batch: InputBatch): Float32Array {
    const { stepWidth: f, currentWidth: c } = this.dims;
    if (batch.stepWidth !== f || batch.currentWidth !== c) {
      throw new Error(
        `batch has ${batch.stepWidth} step and ${batch.currentWidth} current features; ` +
          `the model takes ${f} and ${c}`,
      );
    }
    const sequenceLength = batch.steps * batch.size * f;
    const currentAt = this.inputs + sequenceLength * FLOAT_BYTES;
    const floats = this.reserve(currentAt + batch.size * c * FLOAT_BYTES);
    floats.set(batch.sequence.subarray(0, sequenceLength), this.inputs / FLOAT_BYTES);
    floats.set(batch.current.subarray(0, batch.size * c), currentAt / FLOAT_BYTES);
    const probabilities = new Float32Array(batch.size * HOURS_PER_DAY);
    for (let b = 0; b < batch.size; b++) {
      this.runSteps(batch, b);
      this.dense(currentAt + b * c * FLOAT_BYTES);
      this.softmax(probabilities, b * HOURS_PER_DAY);
    }
    return probabilities;
  }

  dispose(): void {
    // The kernel's memory goes with this object.
  }

  /** The kernel's memory, grown to hold `bytes` (a grown memory needs a new view). */
  private reserve(bytes: number): Float32Array {
    const memory = this.kernel.memory;
    const needed = Math.ceil(bytes / PAGE_BYTES) - memory.buffer.byteLength / PAGE_BYTES;
    if (needed > 0) memory.grow(needed);
    if (this.floats.buffer !== memory.buffer) this.floats = new Float32Array(memory.buffer);
    return this.floats;
  }

  /** The GRU over example b's steps: its final state at `this.state`. */
  private runSteps(batch: InputBatch, b: number): void {
    const { stepWidth: f, units: h } = this.dims;
    const { floats, padded: p, state, projected, resetState } = this;
    const { matvecAdd, gates, update } = this.kernel;
    const biasRow = (this.inputKernel + f * 3 * p * FLOAT_BYTES) / FLOAT_BYTES;
    const hard = this.activation === "hardSigmoid";
    floats.fill(0, state / FLOAT_BYTES, state / FLOAT_BYTES + p);
    for (let t = 0; t < batch.steps; t++) {
      const x = this.inputs + (t * batch.size + b) * f * FLOAT_BYTES;
      floats.copyWithin(projected / FLOAT_BYTES, biasRow, biasRow + 3 * p);
      matvecAdd(projected, x, this.inputKernel, f, 3 * p);
      matvecAdd(projected, state, this.recurrentZR, h, 2 * p);
      if (hard) this.hardGates(p);
      else gates(projected, state, resetState, p);
      matvecAdd(projected + 2 * p * FLOAT_BYTES, resetState, this.recurrentH, h, p);
      update(projected, state, p);
    }
  }

  /** gates() with tfjs-layers' hard sigmoid, clip(0.2 x + 0.5, 0, 1), of models saved before sigmoid. */
  private hardGates(p: number): void {
    const { floats } = this;
    const projected = this.projected / FLOAT_BYTES;
    for (let j = projected; j < projected + 2 * p; j++) {
      floats[j] = Math.min(1, Math.max(0, 0.2 * floats[j]! + 0.5));
    }
    const state = this.state / FLOAT_BYTES;
    const resetState = this.resetState / FLOAT_BYTES;
    for (let k = 0; k < p; k++) floats[resetState + k] = floats[projected + p + k]! * floats[state + k]!;
  }

  /** hidden = relu(state · Ws + [current, 1] · Wc), logits = hidden · Wo + bo. */
  private dense(current: number): void {
    const { currentWidth: c, units: h, denseUnits: d } = this.dims;
    const { floats, hidden, logits } = this;
    const { matvecAdd } = this.kernel;
    const biasRow = this.denseCurrent / FLOAT_BYTES + c * d;
    floats.copyWithin(hidden / FLOAT_BYTES, biasRow, biasRow + d);
    matvecAdd(hidden, current, this.denseCurrent, c, d);
    matvecAdd(hidden, this.state, this.denseState, h, d);
    for (let j = hidden / FLOAT_BYTES; j < hidden / FLOAT_BYTES + d; j++)
      if (!(floats[j]! > 0)) floats[j] = 0;
    const bias = this.outputBias / FLOAT_BYTES;
    floats.copyWithin(logits / FLOAT_BYTES, bias, bias + HOURS_PER_DAY);
    matvecAdd(logits, hidden, this.output, d, HOURS_PER_DAY);
  }

  private softmax(out: Float32Array, offset: number): void {
    const { floats } = this;
    const logits = this.logits / FLOAT_BYTES;
    let max = -Infinity;
    for (let j = 0; j < HOURS_PER_DAY; j++) max = Math.max(max, floats[logits + j]!);
    let total = 0;
    for (let j = logits; j < logits + HOURS_PER_DAY; j++) {
      floats[j] = Math.exp(floats[j]! - max);
      total += floats[j]!;
    }
    for (let j = 0; j < HOURS_PER_DAY; j++) out[offset + j] = floats[logits + j]! / total;
  }
}
