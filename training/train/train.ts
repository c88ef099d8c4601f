// The train entry point: reads the preprocess output (training channel) and hyperparameters.json,
// optionally cross-validates, trains the GRU with early stopping and writes the model directory.
import { existsSync, readFileSync } from "node:fs";
import { readExamples, readNormalisation } from "../data/examples-io";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { type Hyperparameters, parseHyperparameters } from "../../contracts/hyperparameters";
import { METRIC_KEYS } from "../../contracts/metrics";
import { initBackend } from "../model/backend";
import { FeatureBatchSource } from "../model/feature-batches";
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
}

export interface TrainSummary {
  backend: string;
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
  const [trainExamples, validationExamples] = await Promise.all([
    readExamples(options.data, "train"),
    readExamples(options.data, "validation"),
  ]);
  if (trainExamples.length === 0 || validationExamples.length === 0) {
    throw new InputError(
      `zero usable examples in ${options.data} (train ${trainExamples.length}, validation ${validationExamples.length})`,
    );
  }
  const normalisation = readNormalisation(options.data);
  log("info", "training data", {
    trainExamples: trainExamples.length,
    validationExamples: validationExamples.length,
    hyperparameters: hp,
    backend,
  });
  const crossValidation = hp.cvFolds > 0 ? await crossValidate(trainExamples, hp) : undefined;
  const fitStarted = Date.now();
  const fitted = await fitModel(
    new FeatureBatchSource(trainExamples, normalisation),
    new FeatureBatchSource(validationExamples, normalisation),
    hp,
  );
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
    hyperparameters: hp,
    trainExamples: trainExamples.length,
    validationExamples: validationExamples.length,
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
