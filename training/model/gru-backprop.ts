// The fused GRU's loss and gradients, with a hand-written backward pass through time. Autodiff of the same
// ops records a backward op for each forward op and differentiates matMul with transposed-operand matMuls,
// which are 8-11x slower than a plain matMul on the WASM backend; here every weight matrix is transposed
// once per batch, and the weight gradients of all steps are two large matMuls per gate group instead of
// one small one per step.
import * as tf from "@tensorflow/tfjs";
import { HOURS_PER_DAY } from "../core/hours";
import { BatchInputs } from "./batch-inputs";
import { type GruVariables, type StepRecord, gruState, hiddenPreActivation, outputLogits } from "./fused-gru";
import type { ParamName } from "./gru-params";

export interface LossAndGradients {
  /** Mean soft-label cross-entropy of the batch (probabilities clipped to [1e-7, 1] like Keras). */
  loss: tf.Scalar;
  gradients: Record<ParamName, tf.Tensor>;
}

const EPSILON = 1e-7;

/**
 * Forward and backward pass of one batch. `labels` is [B, 24] (rows summing to 1); `dropoutMask` is [B, D]
 * of 0 and 1/(1-rate), or null for no dropout. Call inside tf.tidy: every intermediate is left to it.
 */
export function lossAndGradients(
  vars: GruVariables,
  inputs: BatchInputs,
  units: number,
  labels: tf.Tensor2D,
  dropoutMask: tf.Tensor2D | null,
): LossAndGradients {
  const size = inputs.size;
  const records: StepRecord[] = [];
  const state = gruState(vars, inputs, units, "sigmoid", records);
  const current = inputs.current();
  const preActivation = hiddenPreActivation(vars, state, current);
  const hidden = tf.relu(preActivation);
  const dropped = dropoutMask ? tf.mul(hidden, dropoutMask) : hidden;
  const probabilities = tf.softmax(outputLogits(vars, dropped));
  const loss = tf.div(
    tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probabilities, EPSILON, 1))))),
    size,
  ) as tf.Scalar;

  // Head: softmax + cross-entropy → dense → relu → dense over [state, current].
  const dLogits = tf.div(tf.sub(probabilities, labels), size);
  const output = tf.matMul(tf.transpose(dropped), dLogits);
  const outputBias = tf.sum(dLogits, 0);
  const dDropped = tf.matMul(dLogits, tf.transpose(vars.output));
  const dHidden = dropoutMask ? tf.mul(dDropped, dropoutMask) : dDropped;
  const dPre = tf.mul(dHidden, tf.step(preActivation));
  const denseState = tf.matMul(tf.transpose(state), dPre);
  const denseCurrent = tf.matMul(inputs.currentTransposed(), dPre);
  let dState = tf.matMul(dPre, tf.transpose(vars.denseState));

  // Through time, last step first.
  const recurrentZRT = tf.transpose(vars.recurrentZR);
  const recurrentHT = tf.transpose(vars.recurrentH);
  const dGates: tf.Tensor[] = new Array<tf.Tensor>(records.length);
  const dCandidates: tf.Tensor[] = new Array<tf.Tensor>(records.length);
  for (let t = records.length - 1; t >= 0; t--) {
    const step = records[t]!;
    // state = candidate + z * (previous - candidate)
    const dCandidate = tf.mul(tf.mul(dState, tf.sub(1, step.z)), tf.sub(1, tf.square(step.candidate)));
    const dz = tf.mul(dState, step.difference);
    const dResetState = tf.matMul(dCandidate, recurrentHT);
    const dr = tf.mul(dResetState, step.previous);
    const dGate = tf.mul(tf.concat([dz, dr], 1), tf.mul(step.zr, tf.sub(1, step.zr)));
    dState = tf.addN([tf.mul(dState, step.z), tf.mul(dResetState, step.r), tf.matMul(dGate, recurrentZRT)]);
    dGates[t] = dGate;
    dCandidates[t] = dCandidate;
  }
  const allGates = tf.concat(dGates, 0);
  const allCandidates = tf.concat(dCandidates, 0);
  const stepsT = inputs.stepsTransposed();
  return {
    loss,
    gradients: {
      inputZR: tf.matMul(stepsT, allGates),
      inputH: tf.matMul(stepsT, allCandidates),
      recurrentZR: tf.matMul(
        tf.transpose(
          tf.concat(
            records.map((r) => r.previous),
            0,
          ),
        ),
        allGates,
      ),
      recurrentH: tf.matMul(
        tf.transpose(
          tf.concat(
            records.map((r) => r.resetState),
            0,
          ),
        ),
        allCandidates,
      ),
      denseState,
      denseCurrent,
      output,
      outputBias,
    },
  };
}

/** Labels [B, 24] from a batch's label array. */
export function labelTensor(labels: Float32Array, size: number): tf.Tensor2D {
  return tf.tensor2d(labels.subarray(0, size * HOURS_PER_DAY), [size, HOURS_PER_DAY]);
}
