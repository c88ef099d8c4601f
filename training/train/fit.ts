// One model's training loop: seeded shuffling per epoch, validation loss and circular MAE after every
// epoch (a metric line), early stopping on validation loss, and the best epoch's weights restored.
import * as tf from "@tensorflow/tfjs";
import { circularErrorMetrics, HOURS_PER_DAY } from "../core/hours";
import { seededRandom, shuffledIndices } from "../core/random";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import type { Hyperparameters } from "../../contracts/hyperparameters";
import { METRIC_KEYS } from "../../contracts/metrics";
import { buildGruModel, compileModel } from "../model/gru";
import { decodePredictions, predictProbabilities } from "../model/predict";
import { disposeInputs, softLabels, toInputTensors, toLabelTensor } from "../model/tensors";
import type { Example } from "../preprocess/examples";
import { log } from "../runtime/log";

export interface EpochResult {
  epoch: number;
  trainLoss: number;
  validationLoss: number;
  validationMae: number;
  samplesPerSecond: number;
}

export interface FitResult {
  model: tf.LayersModel;
  epochs: EpochResult[];
  best: EpochResult;
  /** Training examples processed per second over all epochs (forward + backward pass). */
  samplesPerSecond: number;
}

/** Extra fields on every epoch line, e.g. the cross-validation fold. */
export type FitLabels = Record<string, string | number>;

export async function fitModel(
  train: readonly Example[],
  validation: readonly Example[],
  normalisation: Normalisation,
  hp: Hyperparameters,
  labels: FitLabels = {},
): Promise<FitResult> {
  const historyLength = train[0]?.sequence.length ?? 0;
  const model = buildGruModel(
    { historyLength, stepFeatures: STEP_COLUMNS.length, currentFeatures: CURRENT_COLUMNS.length },
    hp,
  );
  compileModel(model, hp.learningRate);
  const trainInputs = toInputTensors(train, normalisation);
  const trainLabels = toLabelTensor(train, hp.labelSigmaHours);
  const validationInputs = toInputTensors(validation, normalisation);
  const validationLabels = softLabels(validation, hp.labelSigmaHours);
  const validationTargets = validation.map((example) => example.target);
  const random = seededRandom(hp.seed);
  const epochs: EpochResult[] = [];
  let best: EpochResult | undefined;
  let bestWeights: tf.Tensor[] = [];
  let trainingMs = 0;
  try {
    for (let epoch = 1; epoch <= hp.epochs; epoch++) {
      const started = Date.now();
      const order = tf.tensor1d(shuffledIndices(train.length, random), "int32");
      const x = [tf.gather(trainInputs.sequence, order), tf.gather(trainInputs.current, order)];
      const y = tf.gather(trainLabels, order);
      const history = await model.fit(x, y, {
        epochs: 1,
        batchSize: hp.batchSize,
        shuffle: false,
        verbose: 0,
      });
      tf.dispose([order, ...x, y]);
      const elapsed = Date.now() - started;
      trainingMs += elapsed;
      // One forward pass over the validation split gives both the loss and the decoded hours.
      const probabilities = predictProbabilities(model, validationInputs);
      const predicted = decodePredictions(probabilities).map((prediction) => prediction.hour);
      const result: EpochResult = {
        epoch,
        trainLoss: Number(history.history["loss"]?.[0] ?? Number.NaN),
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
        samples_per_sec: result.samplesPerSecond,
        backend: tf.getBackend(),
      });
      if (best === undefined || result.validationLoss < best.validationLoss) {
        best = result;
        tf.dispose(bestWeights);
        bestWeights = model.getWeights().map((weight) => weight.clone());
      } else if (epoch - best.epoch >= hp.patience) {
        log("info", "early stopping", { ...labels, epoch, bestEpoch: best.epoch, patience: hp.patience });
        break;
      }
    }
    if (best === undefined) throw new Error("training ran no epoch");
    model.setWeights(bestWeights);
    return {
      model,
      epochs,
      best,
      samplesPerSecond: Math.round((train.length * epochs.length) / Math.max(trainingMs / 1000, 1e-3)),
    };
  } finally {
    tf.dispose(bestWeights);
    disposeInputs(trainInputs);
    disposeInputs(validationInputs);
    trainLabels.dispose();
  }
}

/**
 * Mean categorical cross-entropy of softmax rows against label rows, clipped like the Keras loss the model
 * is compiled with, so that the validation loss is comparable with the training loss `fit` reports.
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

/** The model's loss on examples (soft labels of the given width), e.g. before any training. */
export function examplesLoss(
  model: tf.LayersModel,
  examples: readonly Example[],
  normalisation: Normalisation,
  labelSigmaHours: number,
): number {
  const inputs = toInputTensors(examples, normalisation);
  try {
    return crossEntropy(predictProbabilities(model, inputs), softLabels(examples, labelSigmaHours));
  } finally {
    disposeInputs(inputs);
  }
}

export const round = (value: number, digits = 5) => Number(value.toFixed(digits));
