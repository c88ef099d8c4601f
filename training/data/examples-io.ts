// The preprocess output's JSON parts: normalisation.json (the scaling fitted on the train windows) and
// report.json (counts and rejection reasons).
import { join } from "node:path";
import { z } from "zod";
import { InputError } from "../runtime/errors";
import { readJsonInput } from "../runtime/json-input";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import type { Normalisation } from "../features/normalisation";

export { SPLITS, type SplitName } from "./dataset";

export const NORMALISATION_FILE = "normalisation.json";
export const REPORT_FILE = "report.json";

const statsSchema = z.object({ mean: z.array(z.number()), std: z.array(z.number()) });
const normalisationSchema = z.object({
  step: statsSchema.refine(
    (s) => s.mean.length === STEP_COLUMNS.length && s.std.length === STEP_COLUMNS.length,
  ),
  current: statsSchema.refine(
    (s) => s.mean.length === CURRENT_COLUMNS.length && s.std.length === CURRENT_COLUMNS.length,
  ),
});

export function readNormalisation(dir: string): Normalisation {
  const path = join(dir, NORMALISATION_FILE);
  const value = readJsonInput(path, "point this step at the preprocess output");
  const parsed = normalisationSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${path} does not match the feature columns of this version`);
  return parsed.data;
}
