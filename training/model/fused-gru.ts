// The fused GRU model: the same network as the layers model of gru.ts (GRU with reset_after = false →
// concat(state, current) → dense relu → dropout → softmax over 24 hours), written as a few TF.js ops per step
// so that it runs fast on every backend (tfjs-node, WASM, CPU). Each step is one [B, F+1] input tensor made
// straight from the time-major batch (no slicing), and each gate has its own matrices: on the WASM backend a
// split or an axis-1 concat copies through JavaScript and costs more than the matMuls around it.
// tanh costs ~15x a sigmoid there, so the candidate tanh(a) is computed as 2 * sigmoid(2a) - 1 with the
// candidate's matrices doubled once per pass. The first step starts from the zero state, so it skips the
// recurrent matMuls.
import * as tf from "@tensorflow/tfjs";
import type { HourModel, InputBatch } from "./batch";
import { BatchInputs } from "./batch-inputs";
import { type GruDims, type GruParams, PARAM_NAMES, type ParamName, paramShapes } from "./gru-params";

/** The gate activation: sigmoid (what this model trains), hard sigmoid (tfjs-layers' default, older models). */
export type GateActivation = "sigmoid" | "hardSigmoid";

export type GruVariables = Record<ParamName, tf.Variable>;

function gate(x: tf.Tensor, activation: GateActivation): tf.Tensor {
  return activation === "sigmoid" ? tf.sigmoid(x) : tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
}

/** What one forward step computed, kept by the training pass for its backward pass. */
export interface StepRecord {
  input: tf.Tensor2D;
  /** The state before the step (zeros at the first step). */
  previous: tf.Tensor;
  z: tf.Tensor;
  r: tf.Tensor;
  /** r * previous (zeros at the first step). */
  resetState: tf.Tensor;
  candidate: tf.Tensor;
  /** z * (previous - candidate): the new state is candidate + this. */
  kept: tf.Tensor;
}

/** x·W, plus state·U unless this is the first step (zero state). */
function preActivation(input: tf.Tensor, w: tf.Tensor, state: tf.Tensor | null, u: tf.Tensor): tf.Tensor {
  const fromInput = tf.matMul(input, w);
  return state === null ? fromInput : tf.add(fromInput, tf.matMul(state, u));
}

/** The GRU over all steps; the final state [B, H]. Records each step when `records` is given. */
export function gruState(
  vars: GruVariables,
  inputs: BatchInputs,
  units: number,
  activation: GateActivation,
  records?: StepRecord[],
): tf.Tensor {
  const inputH2 = tf.mul(vars.inputH, 2);
  const recurrentH2 = tf.mul(vars.recurrentH, 2);
  const zeros = tf.zeros([inputs.size, units]);
  let state: tf.Tensor = zeros;
  for (let t = 0; t < inputs.steps; t++) {
    const input = inputs.step(t);
    const previous = t === 0 ? null : state;
    const z = gate(preActivation(input, vars.inputZ, previous, vars.recurrentZ), activation);
    const r =
      t === 0 ? zeros : gate(preActivation(input, vars.inputR, previous, vars.recurrentR), activation);
    const resetState = t === 0 ? zeros : tf.mul(r, state);
    const halfCandidate = tf.sigmoid(preActivation(input, inputH2, t === 0 ? null : resetState, recurrentH2));
    const candidate = tf.sub(tf.mul(halfCandidate, 2), 1);
    const kept = tf.mul(z, tf.sub(state, candidate));
    records?.push({ input, previous: state, z, r, resetState, candidate, kept });
    state = tf.add(candidate, kept);
  }
  return state;
}

/** Pre-activation of the hidden dense layer: state·Ws + [current, 1]·Wc. */
export function hiddenPreActivation(vars: GruVariables, state: tf.Tensor, current: tf.Tensor): tf.Tensor {
  return tf.add(tf.matMul(state, vars.denseState), tf.matMul(current, vars.denseCurrent));
}

export function outputLogits(vars: GruVariables, hidden: tf.Tensor): tf.Tensor {
  return tf.add(tf.matMul(hidden, vars.output), vars.outputBias);
}

export class FusedGruModel implements HourModel {
  readonly variables: GruVariables;
  private readonly inputs = new BatchInputs();

  constructor(
    readonly dims: GruDims,
    params: GruParams,
    readonly activation: GateActivation = "sigmoid",
  ) {
    const shapes = paramShapes(dims);
    this.variables = Object.fromEntries(
      PARAM_NAMES.map((name) => [name, tf.variable(tf.tensor(checked(params, shapes, name), shapes[name]))]),
    ) as GruVariables;
  }

  predictProbabilities(batch: InputBatch): Float32Array {
    this.checkBatch(batch);
    this.inputs.write(batch, false);
    const probabilities = tf.tidy(() => {
      const state = gruState(this.variables, this.inputs, this.dims.units, this.activation);
      const hidden = tf.relu(hiddenPreActivation(this.variables, state, this.inputs.current()));
      return tf.softmax(outputLogits(this.variables, hidden));
    });
    const values = probabilities.dataSync() as Float32Array;
    probabilities.dispose();
    return values;
  }

  checkBatch(batch: InputBatch): void {
    if (batch.stepWidth !== this.dims.stepWidth || batch.currentWidth !== this.dims.currentWidth) {
      throw new Error(
        `batch has ${batch.stepWidth} step and ${batch.currentWidth} current features; ` +
          `the model takes ${this.dims.stepWidth} and ${this.dims.currentWidth}`,
      );
    }
  }

  /** A copy of the current parameter values. */
  params(): GruParams {
    return Object.fromEntries(
      PARAM_NAMES.map((name) => [name, (this.variables[name].dataSync() as Float32Array).slice()]),
    ) as unknown as GruParams;
  }

  setParams(params: GruParams): void {
    const shapes = paramShapes(this.dims);
    for (const name of PARAM_NAMES) {
      tf.tidy(() => this.variables[name].assign(tf.tensor(checked(params, shapes, name), shapes[name])));
    }
  }

  dispose(): void {
    for (const name of PARAM_NAMES) this.variables[name].dispose();
  }
}

function checked(params: GruParams, shapes: Record<ParamName, number[]>, name: ParamName): Float32Array {
  const expected = shapes[name].reduce((a, b) => a * b, 1);
  if (params[name].length !== expected) {
    throw new Error(
      `parameter ${name} has ${params[name].length} values, expected ${expected} (${shapes[name].join("x")})`,
    );
  }
  return params[name];
}
