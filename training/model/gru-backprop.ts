// The fused GRU's loss and gradients, with a hand-written backward pass through time. Autodiff of the same
// ops records a backward op for each forward op and differentiates matMul with transposed-operand matMuls,
// which are 8-11x slower than a plain matMul on the WASM backend; here every weight matrix is transposed
// once per batch, and the weight gradients of all steps are two large matMuls per gate (input and recurrent
// weights) instead of one small one per step.
import * as tf from "@tensorflow/tfjs";
import { HOURS_PER_DAY } from "../core/hours";
import { BatchInputs } from "./batch-inputs";
import { type GruVariables, type StepRecord, gruState, hiddenPreActivation, outputLogits } from "./fused-gru";
import { PARAM_NAMES, type ParamName } from "./gru-params";

export interface LossAndGradients {
  /** Mean soft-label cross-entropy of the batch (probabilities clipped to [1e-7, 1] like Keras). */
  loss: tf.Scalar;
  gradients: Record<ParamName, tf.Tensor>;
}

const EPSILON = 1e-7;

/**
 * Forward and backward pass of one batch. `labels` is [B, 24] (rows summing to 1); `dropoutMask` is [B, D]
 * of 0 and 1/(1-rate), or null for no dropout. The loss is summed over the batch and divided by `meanOver`:
 * the batch's size, or, for one shard of a larger batch, the whole batch's size (the shards' gradients then
 * add up to the batch's). Call inside tf.tidy: every intermediate is left to it.
 */
export function lossAndGradients(
  vars: GruVariables,
  inputs: BatchInputs,
  units: number,
  labels: tf.Tensor2D,
  dropoutMask: tf.Tensor2D | null,
  meanOver = inputs.size,
): LossAndGradients {
  const records: StepRecord[] = [];
  const state = gruState(vars, inputs, units, "sigmoid", records);
  const current = inputs.current();
  const preActivation = hiddenPreActivation(vars, state, current);
  const hidden = tf.relu(preActivation);
  const dropped = dropoutMask ? tf.mul(hidden, dropoutMask) : hidden;
  const probabilities = tf.softmax(outputLogits(vars, dropped));
  const loss = tf.div(
    tf.neg(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probabilities, EPSILON, 1))))),
    meanOver,
  ) as tf.Scalar;

  // Head: softmax + cross-entropy → dense → relu → dense over [state, current].
  const dLogits = tf.div(tf.sub(probabilities, labels), meanOver);
  const output = tf.matMul(tf.transpose(dropped), dLogits);
  const outputBias = tf.sum(dLogits, 0);
  const dDropped = tf.matMul(dLogits, tf.transpose(vars.output));
  const dHidden = dropoutMask ? tf.mul(dDropped, dropoutMask) : dDropped;
  const dPre = tf.mul(dHidden, tf.step(preActivation));
  const denseState = tf.matMul(tf.transpose(state), dPre);
  const denseCurrent = tf.matMul(inputs.currentTransposed(), dPre);
  let dState = tf.matMul(dPre, tf.transpose(vars.denseState));

  // Through time, last step first. With a the candidate's pre-activation (candidate = tanh(a)):
  //   state = candidate + kept, kept = z * (previous - candidate), resetState = r * previous
  //   dz = dState(1-z) * kept;  da = dState(1-z) * (1-candidate²)
  //   dResetState = da·Uhᵀ;  dr = dResetState * resetState * (1-r)
  //   dPrevious = dState * z + dResetState * r + dz·Uzᵀ + dr·Urᵀ
  // The first step's previous state is zero: its dr is zero and its dPrevious is not needed.
  const recurrentZT = tf.transpose(vars.recurrentZ);
  const recurrentRT = tf.transpose(vars.recurrentR);
  const recurrentHT = tf.transpose(vars.recurrentH);
  const steps = records.length;
  const dzs = new Array<tf.Tensor>(steps);
  const drs = new Array<tf.Tensor>(steps);
  const das = new Array<tf.Tensor>(steps);
  for (let t = steps - 1; t >= 0; t--) {
    const step = records[t]!;
    const dStateNotKept = tf.mul(dState, tf.sub(1, step.z));
    const dz = tf.mul(dStateNotKept, step.kept);
    const da = tf.mul(dStateNotKept, tf.sub(1, tf.square(step.candidate)));
    dzs[t] = dz;
    das[t] = da;
    if (t === 0) {
      drs[t] = step.previous;
      break;
    }
    const dResetState = tf.matMul(da, recurrentHT);
    const dr = tf.mul(dResetState, tf.mul(step.resetState, tf.sub(1, step.r)));
    drs[t] = dr;
    dState = tf.addN([
      tf.mul(dState, step.z),
      tf.mul(dResetState, step.r),
      tf.matMul(dz, recurrentZT),
      tf.matMul(dr, recurrentRT),
    ]);
  }
  // Weight gradients of all steps at once: [F+1 or H, T*B]·[T*B, H] (the first step's zero rows included).
  const allZ = tf.concat(dzs, 0);
  const allR = tf.concat(drs, 0);
  const allA = tf.concat(das, 0);
  const stepsT = inputs.stepsTransposed();
  const previousT = tf.transpose(
    tf.concat(
      records.map((r) => r.previous),
      0,
    ),
  );
  const resetStateT = tf.transpose(
    tf.concat(
      records.map((r) => r.resetState),
      0,
    ),
  );
  return {
    loss,
    gradients: {
      inputZ: tf.matMul(stepsT, allZ),
      inputR: tf.matMul(stepsT, allR),
      inputH: tf.matMul(stepsT, allA),
      recurrentZ: tf.matMul(previousT, allZ),
      recurrentR: tf.matMul(previousT, allR),
      recurrentH: tf.matMul(resetStateT, allA),
      denseState,
      denseCurrent,
      output,
      outputBias,
    },
  };
}

/** The gradients as one vector, the parameters in PARAM_NAMES order (the optimizer's layout). */
export function flatGradient(gradients: Record<ParamName, tf.Tensor>): tf.Tensor1D {
  return tf.concat(PARAM_NAMES.map((name) => tf.reshape(gradients[name], [-1]))) as tf.Tensor1D;
}

/** Labels [B, 24] from a batch's label array. */
export function labelTensor(labels: Float32Array, size: number): tf.Tensor2D {
  return tf.tensor2d(labels.subarray(0, size * HOURS_PER_DAY), [size, HOURS_PER_DAY]);
}
