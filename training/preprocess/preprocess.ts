// The preprocess entry point: daily visits → examples → time-based split → normalisation fitted on train.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readDailyVisits, type ReadReport } from "../data/read-daily-visits";
import { NORMALISATION_FILE, REPORT_FILE, SPLITS, splitFile, writeExamples } from "../data/examples-io";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "../features/features";
import { fitNormalisation } from "../features/normalisation";
import { InputError } from "../runtime/errors";
import { log } from "../runtime/log";
import {
  buildExamples,
  type ExampleOptions,
  type SplitBoundaries,
  splitByTime,
  type SplitOptions,
} from "./examples";

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
}

export async function preprocess(options: PreprocessOptions): Promise<PreprocessReport> {
  const started = Date.now();
  const { visits, report: input } = readDailyVisits(options.input);
  const rejected = input.rows - input.accepted;
  log(rejected > 0 ? "warn" : "info", "daily visits read", {
    rows: input.rows,
    accepted: input.accepted,
    rejected: input.rejected,
    rejectedExamples: input.rejectedExamples,
    invalidRawHits: input.invalidRawHits,
  });
  if (visits.length === 0) {
    throw new InputError(
      `zero usable daily visits in ${options.input}: every row was rejected (${JSON.stringify(input.rejected)}); ` +
        "check that the input is the daily-visits result of sql/training-data.sql",
    );
  }
  const examples = buildExamples(visits, options);
  if (examples.length === 0) {
    throw new InputError(
      `zero usable examples: no user has more than ${options.minHistory} visits in ${options.input}; ` +
        "supply a longer history or lower --min-history",
    );
  }
  const split = splitByTime(examples, options);
  for (const name of SPLITS) {
    if (split[name].length === 0) {
      throw new InputError(
        `zero usable examples in the ${name} split (periods ${JSON.stringify(split.boundaries)}); ` +
          "supply more days of data or change --validation-fraction/--test-fraction",
      );
    }
  }
  mkdirSync(options.output, { recursive: true });
  for (const name of SPLITS) writeExamples(join(options.output, splitFile(name)), split[name]);
  writeFileSync(join(options.output, NORMALISATION_FILE), JSON.stringify(fitNormalisation(split.train)));
  const durationMs = Date.now() - started;
  const report: PreprocessReport = {
    input,
    historyLength: options.historyLength,
    minHistory: options.minHistory,
    examples: { train: split.train.length, validation: split.validation.length, test: split.test.length },
    boundaries: split.boundaries,
    stepColumns: STEP_COLUMNS.map((column) => column.name),
    currentColumns: CURRENT_COLUMNS.map((column) => column.name),
    durationMs,
    rowsPerSecond: Math.round(input.rows / Math.max(durationMs / 1000, 1e-3)),
  };
  writeFileSync(join(options.output, REPORT_FILE), JSON.stringify(report, null, 2));
  log("info", "examples written", {
    output: options.output,
    examples: report.examples,
    boundaries: report.boundaries,
    rowsPerSecond: report.rowsPerSecond,
  });
  return report;
}
