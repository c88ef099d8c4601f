// One model's training loop: seeded shuffling per epoch, validation loss and circular MAE after every
// epoch (a metric line), early stopping on validation loss, and the best epoch's weights restored.
import * as tf from "@tensorflow/tfjs";
import { circularErrorMetrics, HOURS_PER_DAY, softHourLabel } from "../core/hours";
import { seededRandom, shuffledIndices } from "../core/random";
import type { Hyperparameters } from "../../contracts/hyperparameters";
import { METRIC_KEYS } from "../../contracts/metrics";
import type { BackendName } from "../model/backend";
import type { BatchSource } from "../model/batch";
import { sourceProbabilities } from "../model/feature-batches";
import { FusedGruModel } from "../model/fused-gru";
import { startGradientPool } from "../model/gradient-pool";
import { buildGruModel, readLayersWeights } from "../model/gru";
import { type GruDims, type GruParams, flatParams, paramsFromLayers } from "../model/gru-params";
import { KernelGruTrainer } from "../model/gru-kernel-trainer";
import { GruTrainer, type Trainer } from "../model/gru-trainer";
import type { TrainingKernel } from "../model/training-threads";
import { decodePredictions } from "../model/predict";
import { log } from "../runtime/log";

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationMae: number;
  samplesPerSecond: number;
}

export interface FitResult {
  model: FusedGruModel;
  /** History steps per example the model was trained on. */
  historyLength: number;
  epochs: EpochResult[];
  best: EpochResult;
  /** Training examples processed per second over all epochs (forward + backward pass + Adam step). */
  samplesPerSecond: number;
}

/** Extra fields on every epoch line, e.g. the cross-validation fold. */
export type FitLabels = Record<string, string | number>;

/** The seeded initial weights: the layers model's initialisers (Glorot, orthogonal, He), as before. */
export function initialModel(dims: GruDims, historyLength: number, hp: Hyperparameters): FusedGruModel {
  const layers = buildGruModel(
    { historyLength, stepFeatures: dims.stepWidth, currentFeatures: dims.currentWidth },
    hp,
  );
  try {
    return new FusedGruModel(dims, paramsFromLayers(readLayersWeights(layers), dims));
  } finally {
    layers.dispose();
  }
}

export interface TrainingOptions {
  /** Threads computing each batch's gradient (gradient-pool.ts); 1 = the trainer's own thread only. */
  threads: number;
  /** What computes the gradients (VT_TRAIN_KERNEL; default the WebAssembly kernel). */
  kernel?: TrainingKernel;
}

/** A seeded untrained model for inputs of `shape` and the hyperparameters, and its trainer. */
export async function startTraining(
  shape: { steps: number; stepWidth: number; currentWidth: number },
  hp: Hyperparameters,
  options: TrainingOptions = { threads: 1 },
): Promise<{ model: FusedGruModel; trainer: Trainer }> {
  const dims: GruDims = {
    stepWidth: shape.stepWidth,
    currentWidth: shape.currentWidth,
    units: hp.gruUnits,
    denseUnits: hp.denseUnits,
  };
  const model = initialModel(dims, shape.steps, hp);
  const kernel = options.kernel ?? "wasm";
  try {
    const pool =
      options.threads > 1
        ? await startGradientPool({
            backend: tf.getBackend() as BackendName,
            kernel,
            dims,
            steps: shape.steps,
            batchSize: hp.batchSize,
            params: flatParams(model.params()),
            threads: options.threads,
          })
        : null;
    // The layers model's dropout layer was seeded with seed + 3; the masks keep that seed.
    const trainerOptions = { learningRate: hp.learningRate, dropout: hp.dropout, seed: hp.seed + 3 };
    const trainer =
      kernel === "wasm"
        ? new KernelGruTrainer(model, trainerOptions, pool)
        : new GruTrainer(model, trainerOptions, pool);
    return { model, trainer };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Steps and widths of a source's batches (from its first one-example batch). */
export function sourceShape(source: BatchSource): { steps: number; stepWidth: number; currentWidth: number } {
  for (const batch of source.batches({ batchSize: 1, labelSigmaHours: 0 })) {
    return { steps: batch.steps, stepWidth: batch.stepWidth, currentWidth: batch.currentWidth };
  }
  throw new Error("the training source has no examples");
}

export async function fitModel(
  train: BatchSource,
  validation: BatchSource,
  hp: Hyperparameters,
  labels: FitLabels = {},
  options: TrainingOptions = { threads: 1 },
): Promise<FitResult> {
  const shape = sourceShape(train);
  const { model, trainer } = await startTraining(shape, hp, options);
  const validationLabels = softLabels(validation.targets, hp.labelSigmaHours);
  const validationTargets = Array.from(validation.targets);
  const random = seededRandom(hp.seed);
  const epochs: EpochResult[] = [];
  let best: EpochResult | undefined;
  let bestParams: GruParams | undefined;
  let trainingMs = 0;
  try {
    for (let epoch = 1; epoch <= hp.epochs; epoch++) {
      const started = performance.now();
      const order = new Uint32Array(shuffledIndices(train.length, random).buffer);
      for (const batch of train.batches({
        batchSize: hp.batchSize,
        labelSigmaHours: hp.labelSigmaHours,
        order,
      })) {
        await trainer.step(batch);
      }
      const trainLoss = trainer.takeMeanLoss();
      trainer.syncModel();
      const elapsed = performance.now() - started;
      trainingMs += elapsed;
      // One forward pass over the validation split gives both the loss and the decoded hours.
      const probabilities = sourceProbabilities(model, validation);
      const predicted = decodePredictions(probabilities).map((prediction) => prediction.hour);
      const result: EpochResult = {
        epoch,
        trainLoss,
        validationLoss: crossEntropy(probabilities, validationLabels),
        validationMae: circularErrorMetrics(predicted, validationTargets).mae,
        samplesPerSecond: Math.round(train.length / Math.max(elapsed / 1000, 1e-3)),
      };
      epochs.push(result);
      log("info", "epoch", {
        ...labels,
        epoch,
        [METRIC_KEYS.trainLoss.key]: round(result.trainLoss),
        [METRIC_KEYS.validationLoss.key]: round(result.validationLoss),
        [METRIC_KEYS.validationMae.key]: round(result.validationMae),
        [METRIC_KEYS.samplesPerSecond.key]: result.samplesPerSecond,
        backend: tf.getBackend(),
        kernel: options.kernel ?? "wasm",
        threads: trainer.threads,
      });
      if (best === undefined || result.validationLoss < best.validationLoss) {
        best = result;
        bestParams = model.params();
      } else if (epoch - best.epoch >= hp.patience) {
        log("info", "early stopping", { ...labels, epoch, bestEpoch: best.epoch, patience: hp.patience });
        break;
      }
    }
    if (best === undefined || bestParams === undefined) throw new Error("training ran no epoch");
    model.setParams(bestParams);
    return {
      model,
      historyLength: shape.steps,
      epochs,
      best,
      samplesPerSecond: Math.round((train.length * epochs.length) / Math.max(trainingMs / 1000, 1e-3)),
    };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    await trainer.dispose();
  }
}

/** Soft labels of target hours, 24 values per example. */
export function softLabels(targets: ArrayLike<number>, sigmaHours: number): Float32Array {
  const labels = new Float32Array(targets.length * HOURS_PER_DAY);
  for (let i = 0; i < targets.length; i++)
    labels.set(softHourLabel(targets[i]!, sigmaHours), i * HOURS_PER_DAY);
  return labels;
}

/**
 * Mean categorical cross-entropy of softmax rows against label rows, with the probabilities clipped like the
 * training loss (and Keras's), so that the validation loss is comparable with the training loss.
 */
export function crossEntropy(probabilities: Float32Array, labels: Float32Array): number {
  const epsilon = 1e-7;
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] ?? 0;
    if (label > 0) total -= label * Math.log(Math.min(Math.max(probabilities[i] ?? 0, epsilon), 1 - epsilon));
  }
  return total / (labels.length / HOURS_PER_DAY);
}

export const round = (value: number, digits = 5) => Number(value.toFixed(digits));
