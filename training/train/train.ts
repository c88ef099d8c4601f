// The train entry point: reads the preprocess output (training channel) and hyperparameters.json,
// optionally cross-validates, trains the GRU with early stopping and writes the model directory.
// Batches are assembled from the per-visit matrix as they are needed (WindowBatchSource): memory is the
// matrix, the example index and one batch, whatever the number of examples.
import { existsSync, readFileSync } from "node:fs";
import { WindowBatchSource } from "../data/batch-source";
import { readDataset } from "../data/dataset";
import { readNormalisation } from "../data/examples-io";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { type Hyperparameters, parseHyperparameters } from "../../contracts/hyperparameters";
import { METRIC_KEYS } from "../../contracts/metrics";
import { initBackend } from "../model/backend";
import { type TrainingKernel, trainingKernel, trainingThreads } from "../model/training-threads";
import { saveModelDir, type ModelMetadata } from "../model/model-io";
import { InputError, errorMessage } from "../runtime/errors";
import { log } from "../runtime/log";
import { type CrossValidationResult, crossValidate } from "./cross-validation";
import { type EpochResult, fitModel, round } from "./fit";

export interface TrainOptions {
  /** Directory of the preprocess output. */
  data: string;
  /** hyperparameters.json (absent file: all defaults). */
  hyperparametersFile: string;
  modelDir: string;
  /** VT_TRAIN_THREADS as given (absent: the default, see trainingThreads). */
  threads?: string | undefined;
  /** VT_TRAIN_KERNEL as given (absent: the WebAssembly kernel, see trainingKernel). */
  kernel?: string | undefined;
}

export interface TrainSummary {
  backend: string;
  /** What computed the gradients (VT_TRAIN_KERNEL). */
  kernel: TrainingKernel;
  hyperparameters: Hyperparameters;
  trainExamples: number;
  validationExamples: number;
  epochs: EpochResult[];
  best: EpochResult;
  samplesPerSecond: number;
  crossValidation?: CrossValidationResult;
}

export function readHyperparametersFile(path: string): Hyperparameters {
  if (!existsSync(path)) {
    log("info", "no hyperparameters.json: using the defaults", { path });
    return parseHyperparameters({});
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(`${path} is not JSON: ${errorMessage(error)}`);
  }
  try {
    return parseHyperparameters(raw);
  } catch (error) {
    throw new InputError(`${path}: ${errorMessage(error)}`);
  }
}

export async function train(options: TrainOptions): Promise<TrainSummary> {
  const hp = readHyperparametersFile(options.hyperparametersFile);
  const backend = await initBackend();
  const kernel = trainingKernel(options.kernel);
  const threads = trainingThreads(options.threads, backend, kernel);
  const dataset = readDataset(options.data, ["train", "validation"]);
  const { train: trainIndex, validation: validationIndex } = dataset.splits;
  const trainExamples = trainIndex.rows.length;
  const validationExamples = validationIndex.rows.length;
  if (trainExamples === 0 || validationExamples === 0) {
    throw new InputError(
      `zero usable examples in ${options.data} (train ${trainExamples}, validation ${validationExamples})`,
    );
  }
  const normalisation = readNormalisation(options.data);
  log("info", "training data", {
    trainExamples,
    validationExamples,
    visits: dataset.visits.days.length,
    hyperparameters: hp,
    backend,
    kernel,
    threads,
  });
  const crossValidation =
    hp.cvFolds > 0
      ? await crossValidate(dataset.visits, trainIndex, dataset.historyLength, hp, { threads, kernel })
      : undefined;
  const fitStarted = Date.now();
  const source = (index: typeof trainIndex) =>
    new WindowBatchSource(dataset.visits, index, dataset.historyLength, normalisation);
  const fitted = await fitModel(source(trainIndex), source(validationIndex), hp, {}, { threads, kernel });
  log("info", "training done", {
    bestEpoch: fitted.best.epoch,
    [METRIC_KEYS.bestValidationMae.key]: round(fitted.best.validationMae),
    [METRIC_KEYS.samplesPerSecond.key]: fitted.samplesPerSecond,
    epochs: fitted.epochs.length,
    seconds: round((Date.now() - fitStarted) / 1000),
    backend,
  });
  const summary: TrainSummary = {
    backend,
    kernel,
    hyperparameters: hp,
    trainExamples,
    validationExamples,
    epochs: fitted.epochs,
    best: fitted.best,
    samplesPerSecond: fitted.samplesPerSecond,
    ...(crossValidation ? { crossValidation } : {}),
  };
  const metadata: ModelMetadata = {
    historyLength: fitted.historyLength,
    stepColumns: STEP_COLUMNS.map((column) => column.name),
    currentColumns: CURRENT_COLUMNS.map((column) => column.name),
    decode: "least-expected-circular-error",
    trainedAt: new Date().toISOString(),
    training: summary,
  };
  await saveModelDir(options.modelDir, fitted.model, normalisation, metadata, hp.dropout);
  fitted.model.dispose();
  log("info", "model written", { modelDir: options.modelDir });
  return summary;
}
