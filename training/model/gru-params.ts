// The fused GRU's parameters as plain arrays, and their mapping to and from the Keras/TF.js layers weights
// (the saved format). The fused layout is chosen for the training loop: each gate has its own matrices, so
// that no step slices or concatenates columns (on the WASM backend a column slice or an axis-1 concat costs
// more than the matMul it feeds), and every bias is folded in as the last row of a matrix fed a constant-1
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
  /** Update gate's input kernel with its bias as the last row: (F+1) x H. */
  inputZ: Float32Array;
  /** Reset gate's input kernel with its bias as the last row: (F+1) x H. */
  inputR: Float32Array;
  /** Candidate's input kernel with its bias as the last row: (F+1) x H. */
  inputH: Float32Array;
  /** Update gate's recurrent kernel: H x H. */
  recurrentZ: Float32Array;
  /** Reset gate's recurrent kernel: H x H. */
  recurrentR: Float32Array;
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
  "inputZ",
  "inputR",
  "inputH",
  "recurrentZ",
  "recurrentR",
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
    inputZ: [f + 1, h],
    inputR: [f + 1, h],
    inputH: [f + 1, h],
    recurrentZ: [h, h],
    recurrentR: [h, h],
    recurrentH: [h, h],
    denseState: [h, d],
    denseCurrent: [c + 1, d],
    output: [d, HOURS_PER_DAY],
    outputBias: [HOURS_PER_DAY],
  };
}

/** The parameters as one vector in PARAM_NAMES order (the optimizer's layout). */
export function flatParams(params: GruParams): Float32Array {
  const flat = new Float32Array(PARAM_NAMES.reduce((total, name) => total + params[name].length, 0));
  let offset = 0;
  for (const name of PARAM_NAMES) {
    flat.set(params[name], offset);
    offset += params[name].length;
  }
  return flat;
}

/** The flat vector as named parameters (views into it, no copy). */
export function unflattenParams(flat: Float32Array, dims: GruDims): GruParams {
  const shapes = paramShapes(dims);
  let offset = 0;
  const params: Partial<GruParams> = {};
  for (const name of PARAM_NAMES) {
    const size = shapes[name].reduce((a, b) => a * b, 1);
    params[name] = flat.subarray(offset, offset + size);
    offset += size;
  }
  if (offset !== flat.length) {
    throw new Error(`a parameter vector of ${flat.length} values for a model of ${offset}`);
  }
  return params as GruParams;
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
  const input = (gate: number) =>
    withBiasRow(columns(weights.kernel, f, h3, gate * h, h), weights.bias.subarray(gate * h, (gate + 1) * h));
  return {
    inputZ: input(0),
    inputR: input(1),
    inputH: input(2),
    recurrentZ: columns(weights.recurrentKernel, h, h3, 0, h),
    recurrentR: columns(weights.recurrentKernel, h, h3, h, h),
    recurrentH: columns(weights.recurrentKernel, h, h3, 2 * h, h),
    denseState: weights.hiddenKernel.slice(0, h * d),
    denseCurrent: withBiasRow(weights.hiddenKernel.subarray(h * d), weights.hiddenBias),
    output: weights.hourKernel.slice(),
    outputBias: weights.hourBias.slice(),
  };
}

/** Joins the gates' H-column matrices back into the layers model's [z | r | h] columns. */
function joinColumns(gates: readonly Float32Array[], h: number, rows: number): Float32Array {
  const cols = gates.length * h;
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    gates.forEach((gate, g) => out.set(gate.subarray(r * h, (r + 1) * h), r * cols + g * h));
  }
  return out;
}

export function paramsToLayers(params: GruParams, dims: GruDims): LayersWeights {
  const { stepWidth: f, currentWidth: c, units: h, denseUnits: d } = dims;
  const inputs = [params.inputZ, params.inputR, params.inputH];
  const bias = new Float32Array(3 * h);
  inputs.forEach((input, g) => bias.set(input.subarray(f * h), g * h));
  const hiddenKernel = new Float32Array((h + c) * d);
  hiddenKernel.set(params.denseState);
  hiddenKernel.set(params.denseCurrent.subarray(0, c * d), h * d);
  return {
    kernel: joinColumns(
      inputs.map((input) => input.subarray(0, f * h)),
      h,
      f,
    ),
    recurrentKernel: joinColumns([params.recurrentZ, params.recurrentR, params.recurrentH], h, h),
    bias,
    hiddenKernel,
    hiddenBias: params.denseCurrent.slice(c * d),
    hourKernel: params.output.slice(),
    hourBias: params.outputBias.slice(),
  };
}
