// The preprocess output (the training channel and the evaluation input) in compact form: each visit's
// step features stored once (not once per window) as little-endian typed-array files, an example index per
// split (target visit row, the user's first visit row, target hour, baselines), and dataset.json describing
// them. Windows are assembled from this when batches are made (batch-source.ts).
import { closeSync, existsSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { STEP_COLUMNS, VISIT_WIDTH } from "../features/features";
import type { VisitMatrix } from "../features/window-writer";
import { InputError } from "../runtime/errors";
import { readJsonInput } from "../runtime/json-input";

export const SPLITS = ["train", "validation", "test"] as const;
export type SplitName = (typeof SPLITS)[number];

export const DATASET_FILE = "dataset.json";
export const DATASET_FORMAT = "visit-time-dataset/1";
export const VISIT_FEATURES_FILE = "visit-features.f32";
export const VISIT_DAYS_FILE = "visit-days.i32";
export const VISIT_COLUMNS = STEP_COLUMNS.slice(0, VISIT_WIDTH).map((column) => column.name);

/** The examples of one split: example i has target visit rows[i] and history rows [firsts[i], rows[i]). */
export interface SplitIndex {
  rows: Uint32Array;
  firsts: Uint32Array;
  /** first_hour of the target visit, 0..23. */
  targets: Uint8Array;
  /** The three baselines' predicted hours, BASELINE_NAMES order: value (i, k) at i * 3 + k. */
  baselines: Uint8Array;
}

export interface Dataset {
  historyLength: number;
  visits: VisitMatrix;
  splits: Record<SplitName, SplitIndex>;
}

const splitFiles = (split: SplitName) => ({
  rows: `${split}-rows.u32`,
  firsts: `${split}-firsts.u32`,
  targets: `${split}-targets.u8`,
  baselines: `${split}-baselines.u8`,
});

const headerSchema = z.object({
  format: z.literal(DATASET_FORMAT),
  historyLength: z.number().int().min(1),
  visits: z.number().int().min(0),
  visitColumns: z.array(z.string()),
  examples: z.object({ train: z.number().int(), validation: z.number().int(), test: z.number().int() }),
});
export type DatasetHeader = z.infer<typeof headerSchema>;

/** Appends raw bytes of typed arrays to a file, chunk by chunk (the visit features never sit in memory whole). */
export class TypedArrayFileWriter {
  private readonly fd: number;
  constructor(readonly path: string) {
    this.fd = openSync(path, "w");
  }
  append(values: ArrayBufferView): void {
    writeSync(this.fd, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  close(): void {
    closeSync(this.fd);
  }
}

export function writeTypedArray(path: string, values: ArrayBufferView): void {
  writeFileSync(path, new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function writeSplitIndex(dir: string, split: SplitName, index: SplitIndex): void {
  const files = splitFiles(split);
  for (const key of ["rows", "firsts", "targets", "baselines"] as const)
    writeTypedArray(join(dir, files[key]), index[key]);
}

export function writeDatasetHeader(
  dir: string,
  header: Omit<DatasetHeader, "format" | "visitColumns">,
): void {
  const full: DatasetHeader = { format: DATASET_FORMAT, visitColumns: VISIT_COLUMNS, ...header };
  writeFileSync(join(dir, DATASET_FILE), JSON.stringify(full, null, 2));
}

type TypedArrayClass<T> = {
  new (buffer: ArrayBuffer, offset: number, length: number): T;
  BYTES_PER_ELEMENT: number;
};

/** A typed view of a whole file; checks its length against what dataset.json says. */
function readTypedArray<T>(path: string, kind: TypedArrayClass<T>, expectedLength: number): T {
  if (!existsSync(path)) {
    throw new InputError(`${path} is missing: point this step at the whole preprocess output directory`);
  }
  const bytes = statSync(path).size;
  if (bytes !== expectedLength * kind.BYTES_PER_ELEMENT) {
    throw new InputError(
      `${path} holds ${bytes} bytes but ${DATASET_FILE} says ${expectedLength} values of ` +
        `${kind.BYTES_PER_ELEMENT} bytes: the preprocess output is incomplete or mixed from two runs`,
    );
  }
  const buffer = readFileSync(path);
  if (buffer.byteOffset % kind.BYTES_PER_ELEMENT === 0) {
    return new kind(buffer.buffer as ArrayBuffer, buffer.byteOffset, expectedLength);
  }
  // Small files may come from Node's shared pool at any offset; a typed view needs an aligned one.
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return new kind(copy.buffer, 0, expectedLength);
}

export function readDatasetHeader(dir: string): DatasetHeader {
  const path = join(dir, DATASET_FILE);
  const value = readJsonInput(
    path,
    `point this step at the preprocess output (${DATASET_FILE} and its typed-array files)`,
  );
  const parsed = headerSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${path} is not a preprocess dataset header (${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}); ` +
        "was it written by this version's preprocess?",
    );
  }
  if (parsed.data.visitColumns.join(",") !== VISIT_COLUMNS.join(",")) {
    throw new InputError(`${path} has other visit feature columns than this version: preprocess again`);
  }
  return parsed.data;
}

export function readSplitIndex(dir: string, split: SplitName, examples: number): SplitIndex {
  const files = splitFiles(split);
  return {
    rows: readTypedArray(join(dir, files.rows), Uint32Array, examples),
    firsts: readTypedArray(join(dir, files.firsts), Uint32Array, examples),
    targets: readTypedArray(join(dir, files.targets), Uint8Array, examples),
    baselines: readTypedArray(join(dir, files.baselines), Uint8Array, examples * 3),
  };
}

/** The visit matrix and the indexes of the given splits (the others empty). */
export function readDataset(dir: string, splits: readonly SplitName[] = SPLITS): Dataset {
  const header = readDatasetHeader(dir);
  const empty: SplitIndex = {
    rows: new Uint32Array(0),
    firsts: new Uint32Array(0),
    targets: new Uint8Array(0),
    baselines: new Uint8Array(0),
  };
  return {
    historyLength: header.historyLength,
    visits: {
      features: readTypedArray(join(dir, VISIT_FEATURES_FILE), Float32Array, header.visits * VISIT_WIDTH),
      days: readTypedArray(join(dir, VISIT_DAYS_FILE), Int32Array, header.visits),
    },
    splits: {
      train: splits.includes("train") ? readSplitIndex(dir, "train", header.examples.train) : empty,
      validation: splits.includes("validation")
        ? readSplitIndex(dir, "validation", header.examples.validation)
        : empty,
      test: splits.includes("test") ? readSplitIndex(dir, "test", header.examples.test) : empty,
    },
  };
}
