// A model directory for tests: an untrained (seeded) model with real normalisation, saved like train does.
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { fitNormalisation } from "../features/normalisation";
import { parseHyperparameters } from "../../contracts/hyperparameters";
import { initBackend } from "../model/backend";
import { saveModelDir } from "../model/model-io";
import { join } from "node:path";
import { readDailyVisits } from "../data/read-daily-visits";
import { buildExamples, type Example } from "../preprocess/examples";
import { generatedDailyVisits, tempDir } from "./fixtures";
import { initialModel } from "../train/fit";

export async function saveUntrainedModel(dir: string, examples: readonly Example[], historyLength: number) {
  await initBackend();
  const hp = parseHyperparameters({ gru_units: "8", dense_units: "8" });
  const model = initialModel(
    { stepWidth: STEP_COLUMNS.length, currentWidth: CURRENT_COLUMNS.length, units: 8, denseUnits: 8 },
    historyLength,
    hp,
  );
  await saveModelDir(dir, model, fitNormalisation(examples), {
    historyLength,
    stepColumns: STEP_COLUMNS.map((column) => column.name),
    currentColumns: CURRENT_COLUMNS.map((column) => column.name),
    decode: "least-expected-circular-error",
  });
  model.dispose();
}

/** A model directory (history 7) for serving tests: untrained, on 3 generated users × 30 days. */
export async function saveServingTestModel(): Promise<string> {
  const dir = tempDir();
  const csv = await generatedDailyVisits(join(dir, "data"), { users: 3, days: 30, seed: 5 });
  const modelDir = join(dir, "model");
  await saveUntrainedModel(
    modelDir,
    buildExamples(readDailyVisits(csv).visits, { historyLength: 7, minHistory: 2 }),
    7,
  );
  return modelDir;
}
