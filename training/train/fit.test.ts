import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { WindowBatchSource } from "../data/batch-source";
import { readDataset } from "../data/dataset";
import { readNormalisation } from "../data/examples-io";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { parseHyperparameters } from "../../contracts/hyperparameters";
import { initBackend } from "../model/backend";
import { sourceProbabilities } from "../model/feature-batches";
import { DEFAULT_PREPROCESS_OPTIONS, preprocess } from "../preprocess/preprocess";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { crossEntropy, fitModel, initialModel, softLabels } from "./fit";

describe("training", () => {
  it("lowers the validation loss below the untrained model's, reproducibly for a seed", async () => {
    await initBackend();
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 25, days: 60, seed: 11 });
    const output = join(dir, "out");
    await preprocess({ input: csv, output, ...DEFAULT_PREPROCESS_OPTIONS, historyLength: 7 });
    const normalisation = readNormalisation(output);
    const dataset = readDataset(output);
    const source = (split: "train" | "validation") =>
      new WindowBatchSource(dataset.visits, dataset.splits[split], dataset.historyLength, normalisation);
    const train = source("train");
    const validation = source("validation");
    const hp = parseHyperparameters({
      epochs: "4",
      batch_size: "64",
      gru_units: "8",
      dense_units: "16",
      patience: "4",
    });
    const dims = {
      stepWidth: STEP_COLUMNS.length,
      currentWidth: CURRENT_COLUMNS.length,
      units: 8,
      denseUnits: 16,
    };
    const untrained = initialModel(dims, 7, hp);
    const labels = softLabels(validation.targets, hp.labelSigmaHours);
    const before = crossEntropy(sourceProbabilities(untrained, validation), labels);
    untrained.dispose();

    const fitted = await fitModel(train, validation, hp);
    assert.ok(
      fitted.best.validationLoss < before - 0.1,
      `validation loss ${fitted.best.validationLoss} vs ${before}`,
    );
    assert.ok(fitted.epochs.at(-1)!.validationLoss < fitted.epochs[0]!.validationLoss + 1e-9);
    assert.ok(fitted.samplesPerSecond > 0);
    // The best epoch's weights are restored: the returned model has the best validation loss.
    const restored = crossEntropy(sourceProbabilities(fitted.model, validation), labels);
    assert.ok(
      Math.abs(restored - fitted.best.validationLoss) < 1e-5,
      `${restored} vs ${fitted.best.validationLoss}`,
    );
    fitted.model.dispose();

    const again = await fitModel(train, validation, { ...hp, epochs: 1 });
    again.model.dispose();
    assert.equal(
      again.epochs[0]!.validationLoss,
      fitted.epochs[0]!.validationLoss,
      "same seed, same first epoch",
    );
    assert.equal(again.epochs[0]!.trainLoss, fitted.epochs[0]!.trainLoss);
  });
});
