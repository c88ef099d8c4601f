// The preprocess entry point: daily visits → checked in DuckDB → per-visit features (sql/visit-features.sql)
// streamed into the compact dataset with its example index → time-based split → normalisation fitted on
// the train split's windows. Memory does not grow with one JS object per row or per example.
import { closeSync, mkdirSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatDay } from "../core/dates";
import {
  SPLITS,
  VISIT_DAYS_FILE,
  VISIT_FEATURES_FILE,
  writeDatasetHeader,
  writeSplitIndex,
  writeTypedArray,
} from "../data/dataset";
import { NORMALISATION_FILE, REPORT_FILE } from "../data/examples-io";
import { ACCEPTED_VISITS_TABLE, loadDailyVisits } from "../data/load-daily-visits";
import type { ReadReport } from "../data/read-daily-visits";
import { CURRENT_COLUMNS, STEP_COLUMNS, VISIT_WIDTH } from "../features/features";
import {
  fitWindowNormalisation,
  type Normalisation,
  type VisitFeatureReader,
} from "../features/normalisation";
import { InputError } from "../runtime/errors";
import { log } from "../runtime/log";
import { type ExampleOptions, type SplitBoundaries, splitDays, type SplitOptions } from "./examples";
import { exampleDayRange, splitExamples, streamVisitFeatures } from "./visit-stream";

export interface PreprocessOptions extends ExampleOptions, SplitOptions {
  input: string;
  output: string;
}

export const DEFAULT_PREPROCESS_OPTIONS = {
  historyLength: 14,
  minHistory: 3,
  validationFraction: 0.15,
  testFraction: 0.15,
} as const;

export interface PreprocessReport {
  input: ReadReport;
  historyLength: number;
  minHistory: number;
  examples: Record<(typeof SPLITS)[number], number>;
  boundaries: SplitBoundaries;
  stepColumns: string[];
  currentColumns: string[];
  durationMs: number;
  rowsPerSecond: number;
  /** Seconds of each phase: read and check, per-visit features and index, normalisation, writing. */
  phaseSeconds: { load: number; features: number; normalisation: number; write: number };
}

/** DuckDB's memory for preprocess: it spills to a scratch directory beyond this (sorts, windows, tables). */
const DUCKDB_MEMORY_LIMIT = "512MB";
const PROGRESS_INTERVAL_MS = 2_000;

/** Raw visit features [start, start + count) read back from the written file, for the normalisation pass. */
function visitFileReader(path: string): { read: VisitFeatureReader; close: () => void } {
  const fd = openSync(path, "r");
  return {
    read(start, count) {
      const values = new Float32Array(count * VISIT_WIDTH);
      readSync(fd, new Uint8Array(values.buffer), 0, values.byteLength, start * VISIT_WIDTH * 4);
      return values;
    },
    close: () => closeSync(fd),
  };
}

export async function preprocess(options: PreprocessOptions): Promise<PreprocessReport> {
  const started = Date.now();
  const { DuckDBInstance } = await import("@duckdb/node-api");
  const scratch = mkdtempSync(join(tmpdir(), "vt-preprocess-"));
  const instance = await DuckDBInstance.create(":memory:", {
    memory_limit: DUCKDB_MEMORY_LIMIT,
    temp_directory: join(scratch, "spill"),
  });
  const connection = await instance.connect();
  let phaseStarted = started;
  const phaseEnd = () => {
    const seconds = Math.round((Date.now() - phaseStarted) / 10) / 100;
    phaseStarted = Date.now();
    return seconds;
  };
  try {
    const input = await loadDailyVisits(connection, options.input);
    const load = phaseEnd();
    const rejected = input.rows - input.accepted;
    log(rejected > 0 ? "warn" : "info", "daily visits read", {
      rows: input.rows,
      accepted: input.accepted,
      rejected: input.rejected,
      rejectedExamples: input.rejectedExamples,
      invalidRawHits: input.invalidRawHits,
      duplicateRawHits: input.duplicateRawHits,
      rowsPerSecond: Math.round(input.rows / Math.max((Date.now() - started) / 1000, 1e-3)),
    });
    if (input.accepted === 0) {
      throw new InputError(
        `zero usable daily visits in ${options.input}: every row was rejected (${JSON.stringify(input.rejected)}); ` +
          "check that the input is the daily-visits result of sql/training-data.sql",
      );
    }
    mkdirSync(options.output, { recursive: true });
    const featuresFile = join(options.output, VISIT_FEATURES_FILE);
    let lastProgress = Date.now();
    const streamed = await streamVisitFeatures(
      connection,
      ACCEPTED_VISITS_TABLE,
      input.accepted,
      { minHistory: options.minHistory, featuresFile },
      (rows) => {
        if (Date.now() - lastProgress < PROGRESS_INTERVAL_MS) return;
        lastProgress = Date.now();
        log("info", "preprocess progress", {
          rows,
          of: input.accepted,
          rowsPerSecond: Math.round(rows / Math.max((Date.now() - started) / 1000, 1e-3)),
        });
      },
    );
    const range = exampleDayRange(streamed);
    if (range === undefined) {
      throw new InputError(
        `zero usable examples: no user has more than ${options.minHistory} visits in ${options.input}; ` +
          "supply a longer history or lower --min-history",
      );
    }
    const splitStarts = splitDays(range.first, range.last, options);
    const boundaries: SplitBoundaries = {
      firstDay: formatDay(range.first),
      validationStart: formatDay(splitStarts.validationStart),
      testStart: formatDay(splitStarts.testStart),
      lastDay: formatDay(range.last),
    };
    const splits = splitExamples(streamed, splitStarts);
    for (const name of SPLITS) {
      if (splits[name].rows.length === 0) {
        throw new InputError(
          `zero usable examples in the ${name} split (periods ${JSON.stringify(boundaries)}); ` +
            "supply more days of data or change --validation-fraction/--test-fraction",
        );
      }
    }
    const features = phaseEnd();
    const reader = visitFileReader(featuresFile);
    let normalisation: Normalisation;
    try {
      normalisation = fitWindowNormalisation(reader.read, streamed.days, splits.train, options.historyLength);
    } finally {
      reader.close();
    }
    const normalisationSeconds = phaseEnd();
    writeTypedArray(join(options.output, VISIT_DAYS_FILE), streamed.days);
    for (const name of SPLITS) writeSplitIndex(options.output, name, splits[name]);
    const examples = {
      train: splits.train.rows.length,
      validation: splits.validation.rows.length,
      test: splits.test.rows.length,
    };
    writeDatasetHeader(options.output, {
      historyLength: options.historyLength,
      visits: streamed.visits,
      examples,
    });
    writeFileSync(join(options.output, NORMALISATION_FILE), JSON.stringify(normalisation));
    const durationMs = Date.now() - started;
    const report: PreprocessReport = {
      input,
      historyLength: options.historyLength,
      minHistory: options.minHistory,
      examples,
      boundaries,
      stepColumns: STEP_COLUMNS.map((column) => column.name),
      currentColumns: CURRENT_COLUMNS.map((column) => column.name),
      durationMs,
      rowsPerSecond: Math.round(input.rows / Math.max(durationMs / 1000, 1e-3)),
      phaseSeconds: { load, features, normalisation: normalisationSeconds, write: phaseEnd() },
    };
    writeFileSync(join(options.output, REPORT_FILE), JSON.stringify(report, null, 2));
    log("info", "examples written", {
      output: options.output,
      examples: report.examples,
      boundaries: report.boundaries,
      rowsPerSecond: report.rowsPerSecond,
      phaseSeconds: report.phaseSeconds,
    });
    return report;
  } finally {
    connection.closeSync();
    instance.closeSync();
    rmSync(scratch, { recursive: true, force: true });
  }
}
