// The fused GRU's parameters as plain arrays, and their mapping to and from the Keras/TF.js layers weights
// (the saved format). The fused layout is chosen for the training loop: each gate group has its own matrix
// (no column slicing per step) and every bias is folded in as the last row of a matrix fed a constant-1
// input column, so that the bias gradients come out of the weight-gradient matMuls.
import { HOURS_PER_DAY } from "../core/hours";

export interface GruDims {
  /** Features per history step (F). */
  stepWidth: number;
  /** Current (target-day) features (C). */
  currentWidth: number;
  /** GRU units (H). */
  units: number;
  /** Hidden dense units (D). */
  denseUnits: number;
}

/** Row-major matrices; `rows x cols` in the comments. */
export interface GruParams {
  /** Update and reset gates' input kernel with their bias as the last row: (F+1) x 2H. */
  inputZR: Float32Array;
  /** Candidate's input kernel with its bias as the last row: (F+1) x H. */
  inputH: Float32Array;
  /** Update and reset gates' recurrent kernel: H x 2H. */
  recurrentZR: Float32Array;
  /** Candidate's recurrent kernel (applied to r * h): H x H. */
  recurrentH: Float32Array;
  /** Hidden dense kernel rows of the GRU state: H x D. */
  denseState: Float32Array;
  /** Hidden dense kernel rows of the current features with the dense bias as the last row: (C+1) x D. */
  denseCurrent: Float32Array;
  /** Output kernel: D x 24. */
  output: Float32Array;
  /** Output bias: 24. */
  outputBias: Float32Array;
}

export type ParamName = keyof GruParams;

export const PARAM_NAMES: readonly ParamName[] = [
  "inputZR",
  "inputH",
  "recurrentZR",
  "recurrentH",
  "denseState",
  "denseCurrent",
  "output",
  "outputBias",
];

/** [rows, cols] of each parameter (the output bias is a vector). */
export function paramShapes(dims: GruDims): Record<ParamName, number[]> {
  const { stepWidth: f, currentWidth: c, units: h, denseUnits: d } = dims;
  return {
    inputZR: [f + 1, 2 * h],
    inputH: [f + 1, h],
    recurrentZR: [h, 2 * h],
    recurrentH: [h, h],
    denseState: [h, d],
    denseCurrent: [c + 1, d],
    output: [d, HOURS_PER_DAY],
    outputBias: [HOURS_PER_DAY],
  };
}

/** The layers model's weights (tfjs-layers GRU with reset_after = false: gates z, r, h in that order). */
export interface LayersWeights {
  /** gru/kernel: F x 3H. */
  kernel: Float32Array;
  /** gru/recurrent_kernel: H x 3H. */
  recurrentKernel: Float32Array;
  /** gru/bias: 3H. */
  bias: Float32Array;
  /** hidden/kernel: (H+C) x D (state rows first, as the model concatenates [state, current]). */
  hiddenKernel: Float32Array;
  /** hidden/bias: D. */
  hiddenBias: Float32Array;
  /** hour/kernel: D x 24. */
  hourKernel: Float32Array;
  /** hour/bias: 24. */
  hourBias: Float32Array;
}

/** Columns [from, from + count) of a row-major rows x cols matrix, plus optional extra rows. */
function columns(
  source: Float32Array,
  rows: number,
  cols: number,
  from: number,
  count: number,
): Float32Array {
  const out = new Float32Array(rows * count);
  for (let r = 0; r < rows; r++)
    out.set(source.subarray(r * cols + from, r * cols + from + count), r * count);
  return out;
}

function withBiasRow(matrix: Float32Array, bias: Float32Array): Float32Array {
  const out = new Float32Array(matrix.length + bias.length);
  out.set(matrix);
  out.set(bias, matrix.length);
  return out;
}

export function paramsFromLayers(weights: LayersWeights, dims: GruDims): GruParams {
  const { stepWidth: f, units: h, denseUnits: d } = dims;
  const h3 = 3 * h;
  return {
    inputZR: withBiasRow(columns(weights.kernel, f, h3, 0, 2 * h), weights.bias.subarray(0, 2 * h)),
    inputH: withBiasRow(columns(weights.kernel, f, h3, 2 * h, h), weights.bias.subarray(2 * h)),
    recurrentZR: columns(weights.recurrentKernel, h, h3, 0, 2 * h),
    recurrentH: columns(weights.recurrentKernel, h, h3, 2 * h, h),
    denseState: weights.hiddenKernel.slice(0, h * d),
    denseCurrent: withBiasRow(weights.hiddenKernel.subarray(h * d), weights.hiddenBias),
    output: weights.hourKernel.slice(),
    outputBias: weights.hourBias.slice(),
  };
}

/** Interleaves the gate groups back into the layers model's [z | r | h] columns. */
function joinColumns(
  left: Float32Array,
  leftCols: number,
  right: Float32Array,
  rightCols: number,
  rows: number,
) {
  const cols = leftCols + rightCols;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    out.set(left.subarray(r * leftCols, (r + 1) * leftCols), r * cols);
    out.set(right.subarray(r * rightCols, (r + 1) * rightCols), r * cols + leftCols);
  }
  return out;
}

export function paramsToLayers(params: GruParams, dims: GruDims): LayersWeights {
  const { stepWidth: f, currentWidth: c, units: h, denseUnits: d } = dims;
  const bias = new Float32Array(3 * h);
  bias.set(params.inputZR.subarray(f * 2 * h));
  bias.set(params.inputH.subarray(f * h), 2 * h);
  const hiddenKernel = new Float32Array((h + c) * d);
  hiddenKernel.set(params.denseState);
  hiddenKernel.set(params.denseCurrent.subarray(0, c * d), h * d);
  return {
    kernel: joinColumns(params.inputZR.subarray(0, f * 2 * h), 2 * h, params.inputH.subarray(0, f * h), h, f),
    recurrentKernel: joinColumns(params.recurrentZR, 2 * h, params.recurrentH, h, h),
    bias,
    hiddenKernel,
    hiddenBias: params.denseCurrent.slice(c * d),
    hourKernel: params.output.slice(),
    hourBias: params.outputBias.slice(),
  };
}
