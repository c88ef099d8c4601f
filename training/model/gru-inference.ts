// The fused GRU's forward pass for inference, without TensorFlow.js: the same function as FusedGruModel (same
// parameters, gates, tanh, dense relu and softmax), in float32. Serving predicts small batches (the requests
// that arrived within a millisecond), where TF.js's fixed cost per op (a dozen ops per step) outweighs the
// arithmetic. Here the batch runs through its steps four examples at a time in one WebAssembly SIMD kernel
// (matvec.wat's gruGroup: each vector of a weight matrix is loaded once for the four), then the whole batch
// through the dense layers at once (matvec.wat's gemm, which loads each weight vector once for four examples;
// run one example at a time, through matvecAdd, they cost several times their share of the arithmetic) and
// the softmax. Models saved with tfjs-layers' hard sigmoid run their steps one example at a time, with those
// gates in JavaScript. Nothing is allocated per batch beyond the output. This module imports no TF.js, so a
// worker thread can load it alone.
import { HOURS_PER_DAY } from "../core/hours";
import type { HourModel, InputBatch } from "./batch";
import type { GateActivation } from "./fused-gru";
import type { GruDims, GruParams } from "./gru-params";
import { FLOAT_BYTES, Layout, type MatvecExports, instantiateMatvec, reserve } from "./wasm-kernel";

// Imported bindings read once: in the CommonJS that tsx runs (the tests, `npm run bench:serve`), every read of
// an import is a getter call, and these ran in every loop of the forward pass (3 % of a worker's time).
const HOURS = HOURS_PER_DAY;
const FLOAT = FLOAT_BYTES;

/** Examples that gruGroup runs at once. */
const GROUP = 4;

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
  /** One example's state on the hard-sigmoid path, GROUP examples' scratch. */
  private readonly state: number;
  private readonly projected: number;
  private readonly resetState: number;
  /** The batch's inputs, then its final states, hidden layer and logits (the memory grows to hold them). */
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
    this.output = layout.take(d * HOURS);
    this.outputBias = layout.take(HOURS);
    this.state = layout.take(p);
    this.projected = layout.take(GROUP * 3 * p);
    this.resetState = layout.take(GROUP * p);
    this.inputs = layout.end;
    this.kernel = instantiateMatvec();
    this.floats = new Float32Array(this.kernel.memory.buffer);
    const floats = this.reserve(this.inputs);
    // Row by row, the gates z, r, h each padded to p columns; [inputZ | inputR | inputH] side by side, so
    // that one kernel call projects the input for all three gates, and [recurrentZ | recurrentR] likewise.
    const at = (address: number) => address / FLOAT;
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
    const { units: h, denseUnits: d } = this.dims;
    const { size, steps } = batch;
    // Time-major like the batch, each step's rows padded with zero rows to whole groups.
    const rows = Math.ceil(size / GROUP) * GROUP;
    const currentAt = this.inputs + steps * rows * f * FLOAT;
    const statesAt = currentAt + size * c * FLOAT;
    const hiddenAt = statesAt + rows * this.padded * FLOAT;
    const logitsAt = hiddenAt + size * d * FLOAT;
    const floats = this.reserve(logitsAt + size * HOURS * FLOAT);
    const inputs = this.inputs / FLOAT;
    for (let t = 0; t < steps; t++) {
      const from = t * size * f;
      floats.set(batch.sequence.subarray(from, from + size * f), inputs + t * rows * f);
      floats.fill(0, inputs + (t * rows + size) * f, inputs + (t + 1) * rows * f);
    }
    floats.set(batch.current.subarray(0, size * c), currentAt / FLOAT);
    const stateBytes = this.padded * FLOAT;
    if (this.activation === "hardSigmoid") {
      for (let b = 0; b < size; b++) {
        this.runSteps(this.inputs + b * f * FLOAT, rows * f * FLOAT, steps);
        const state = this.state / FLOAT;
        this.floats.copyWithin((statesAt + b * stateBytes) / FLOAT, state, state + this.padded);
      }
    } else {
      for (let first = 0; first < size; first += GROUP) {
        this.runGroup(
          this.inputs + first * f * FLOAT,
          rows * f * FLOAT,
          steps,
          statesAt + first * stateBytes,
        );
      }
    }
    // hidden = relu([current, 1] · Wc + state · Ws), logits = hidden · Wo + bo: each sum in the order the
    // per-example matvecAdd took (bias, current, state), so that the results are the same.
    const { gemm } = this.kernel;
    this.fillRows(hiddenAt, this.denseCurrent + c * d * FLOAT, d, size);
    gemm(hiddenAt, d * FLOAT, currentAt, c * FLOAT, FLOAT, this.denseCurrent, d * FLOAT, size, d, c);
    gemm(hiddenAt, d * FLOAT, statesAt, stateBytes, FLOAT, this.denseState, d * FLOAT, size, d, h);
    const hidden = this.floats.subarray(hiddenAt / FLOAT, hiddenAt / FLOAT + size * d);
    for (let j = 0; j < hidden.length; j++) if (!(hidden[j]! > 0)) hidden[j] = 0;
    this.fillRows(logitsAt, this.outputBias, HOURS, size);
    gemm(logitsAt, HOURS * FLOAT, hiddenAt, d * FLOAT, FLOAT, this.output, HOURS * FLOAT, size, HOURS, d);
    const probabilities = new Float32Array(size * HOURS);
    for (let b = 0; b < size; b++) this.softmax(logitsAt + b * HOURS * FLOAT, probabilities, b * HOURS);
    return probabilities;
  }

  /** `count` rows of `width` floats at `to`, each a copy of the row at `from` (byte addresses). */
  private fillRows(to: number, from: number, width: number, count: number): void {
    const { floats } = this;
    for (let b = 0; b < count; b++)
      floats.copyWithin(to / FLOAT + b * width, from / FLOAT, from / FLOAT + width);
  }

  /** The GRU over the steps of the GROUP examples whose first step's inputs are at x: their states at `state`. */
  private runGroup(x: number, stepStride: number, steps: number, state: number): void {
    const { stepWidth: f, units: h } = this.dims;
    this.kernel.gruGroup(
      x,
      f * FLOAT,
      stepStride,
      steps,
      this.inputKernel,
      f,
      this.recurrentZR,
      this.recurrentH,
      h,
      this.padded,
      state,
      this.projected,
      this.resetState,
    );
  }

  dispose(): void {
    // The kernel's memory goes with this object.
  }

  /** The kernel's memory, grown to hold `bytes`. */
  private reserve(bytes: number): Float32Array {
    this.floats = reserve(this.kernel, bytes, this.floats);
    return this.floats;
  }

  /** The GRU with hard-sigmoid gates over one example whose first step's inputs are at x: its state at `this.state`. */
  private runSteps(x: number, stepStride: number, steps: number): void {
    const { stepWidth: f, units: h } = this.dims;
    const { floats, padded: p, state, projected, resetState } = this;
    const { matvecAdd, update } = this.kernel;
    const biasRow = (this.inputKernel + f * 3 * p * FLOAT) / FLOAT;
    floats.fill(0, state / FLOAT, state / FLOAT + p);
    for (let t = 0; t < steps; t++) {
      floats.copyWithin(projected / FLOAT, biasRow, biasRow + 3 * p);
      matvecAdd(projected, x + t * stepStride, this.inputKernel, f, 3 * p);
      matvecAdd(projected, state, this.recurrentZR, h, 2 * p);
      this.hardGates(p);
      matvecAdd(projected + 2 * p * FLOAT, resetState, this.recurrentH, h, p);
      update(projected, state, p);
    }
  }

  /** gates() with tfjs-layers' hard sigmoid, clip(0.2 x + 0.5, 0, 1), of models saved before sigmoid. */
  private hardGates(p: number): void {
    const { floats } = this;
    const projected = this.projected / FLOAT;
    for (let j = projected; j < projected + 2 * p; j++) {
      floats[j] = Math.min(1, Math.max(0, 0.2 * floats[j]! + 0.5));
    }
    const state = this.state / FLOAT;
    const resetState = this.resetState / FLOAT;
    for (let k = 0; k < p; k++) floats[resetState + k] = floats[projected + p + k]! * floats[state + k]!;
  }

  /** The softmax of the 24 logits at byte address `at` into out[offset..]. */
  private softmax(at: number, out: Float32Array, offset: number): void {
    const { floats } = this;
    const logits = at / FLOAT;
    let max = -Infinity;
    for (let j = 0; j < HOURS; j++) max = Math.max(max, floats[logits + j]!);
    let total = 0;
    for (let j = logits; j < logits + HOURS; j++) {
      floats[j] = Math.exp(floats[j]! - max);
      total += floats[j]!;
    }
    for (let j = 0; j < HOURS; j++) out[offset + j] = floats[logits + j]! / total;
  }
}
