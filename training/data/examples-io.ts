// The preprocess output (the training channel and the evaluation input): one JSON-lines file per split
// with raw (unnormalised) features, plus normalisation.json and report.json.
import { createReadStream, readFileSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { z } from "zod";
import { InputError, errorMessage } from "../runtime/errors";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import type { Normalisation } from "../features/normalisation";
import type { Example } from "../preprocess/examples";
import { BASELINE_NAMES } from "../preprocess/baselines";

export const SPLITS = ["train", "validation", "test"] as const;
export type SplitName = (typeof SPLITS)[number];

export const NORMALISATION_FILE = "normalisation.json";
export const REPORT_FILE = "report.json";
export const splitFile = (split: SplitName) => `${split}.jsonl`;

const round = (value: number) => Math.round(value * 1e5) / 1e5;

export function writeExamples(path: string, examples: readonly Example[]): void {
  const lines = examples.map((example) =>
    JSON.stringify({
      ...example,
      sequence: example.sequence.map((step) => step.map(round)),
      current: example.current.map(round),
    }),
  );
  writeFileSync(path, lines.length > 0 ? `${lines.join("\n")}\n` : "");
}

const exampleSchema = z.object({
  userId: z.string(),
  date: z.string(),
  day: z.number().int(),
  target: z.number().int().min(0).max(23),
  sequence: z.array(z.array(z.number()).length(STEP_COLUMNS.length)).min(1),
  current: z.array(z.number()).length(CURRENT_COLUMNS.length),
  baselines: z.object(Object.fromEntries(BASELINE_NAMES.map((name) => [name, z.number()]))),
});

/** Reads one split; a missing file or a line of another shape fails with the file and line. */
export async function readExamples(dir: string, split: SplitName): Promise<Example[]> {
  const path = join(dir, splitFile(split));
  if (!existsSync(path)) {
    throw new InputError(
      `${path} is missing: point this step at the preprocess output (${SPLITS.map(splitFile).join(", ")})`,
    );
  }
  const examples: Example[] = [];
  let line = 0;
  for await (const text of createInterface({ input: createReadStream(path), crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new InputError(`${path}:${line} is not JSON: ${errorMessage(error)}`);
    }
    const parsed = exampleSchema.safeParse(value);
    if (!parsed.success) {
      throw new InputError(
        `${path}:${line} is not a preprocess example (${parsed.error.issues[0]?.path.join(".") ?? "?"}: ` +
          `${parsed.error.issues[0]?.message ?? "invalid"}); was it written by this version's preprocess?`,
      );
    }
    examples.push(parsed.data as Example);
  }
  return examples;
}

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
  if (!existsSync(path)) throw new InputError(`${path} is missing: point this step at the preprocess output`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new InputError(`${path} is not JSON: ${errorMessage(error)}`);
  }
  const parsed = normalisationSchema.safeParse(value);
  if (!parsed.success) throw new InputError(`${path} does not match the feature columns of this version`);
  return parsed.data;
}
