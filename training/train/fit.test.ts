import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readExamples, readNormalisation } from "../data/examples-io";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { parseHyperparameters } from "../../contracts/hyperparameters";
import { initBackend } from "../model/backend";
import { buildGruModel, compileModel } from "../model/gru";
import { DEFAULT_PREPROCESS_OPTIONS, preprocess } from "../preprocess/preprocess";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { examplesLoss, fitModel } from "./fit";
import { disposeInputs, toInputTensors, toLabelTensor } from "../model/tensors";
import * as tf from "@tensorflow/tfjs";

describe("training", () => {
  it("lowers the validation loss below the untrained model's, reproducibly for a seed", async () => {
    await initBackend();
    const dir = tempDir();
    const csv = await generatedDailyVisits(join(dir, "data"), { users: 25, days: 60, seed: 11 });
    const output = join(dir, "out");
    await preprocess({ input: csv, output, ...DEFAULT_PREPROCESS_OPTIONS, historyLength: 7 });
    const train = await readExamples(output, "train");
    const validation = await readExamples(output, "validation");
    const normalisation = readNormalisation(output);
    const hp = parseHyperparameters({
      epochs: "4",
      batch_size: "64",
      gru_units: "8",
      dense_units: "16",
      patience: "4",
    });

    const untrained = buildGruModel(
      { historyLength: 7, stepFeatures: STEP_COLUMNS.length, currentFeatures: CURRENT_COLUMNS.length },
      hp,
    );
    compileModel(untrained, hp.learningRate);
    const before = examplesLoss(untrained, validation, normalisation, hp.labelSigmaHours);
    // The validation loss computed in JavaScript equals the compiled Keras loss.
    const inputs = toInputTensors(validation, normalisation);
    const labels = toLabelTensor(validation, hp.labelSigmaHours);
    const keras = (untrained.evaluate([inputs.sequence, inputs.current], labels) as tf.Scalar).dataSync()[0]!;
    disposeInputs(inputs);
    labels.dispose();
    assert.ok(Math.abs(keras - before) < 1e-4, `${keras} vs ${before}`);
    untrained.dispose();

    const fitted = await fitModel(train, validation, normalisation, hp);
    fitted.model.dispose();
    assert.ok(
      fitted.best.validationLoss < before - 0.1,
      `validation loss ${fitted.best.validationLoss} vs ${before}`,
    );
    assert.ok(fitted.epochs.at(-1)!.validationLoss < fitted.epochs[0]!.validationLoss + 1e-9);

    const again = await fitModel(train, validation, normalisation, { ...hp, epochs: 1 });
    again.model.dispose();
    assert.equal(
      again.epochs[0]!.validationLoss,
      fitted.epochs[0]!.validationLoss,
      "same seed, same first epoch",
    );
  });
});
