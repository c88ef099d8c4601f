// A model directory for tests: an untrained (seeded) model with real normalisation, saved like train does.
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { fitNormalisation } from "../features/normalisation";
import { parseHyperparameters } from "../../contracts/hyperparameters";
import { initBackend } from "../model/backend";
import { saveModelDir } from "../model/model-io";
import type { Example } from "../preprocess/examples";
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
