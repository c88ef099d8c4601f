// Live progress of a local run on the terminal: the execution's states through the view shared with AWS
// executions (execution/progress-view.ts), and the jobs' own progress from the container's JSON log
// lines: the preprocessing report, cross-validation folds and training epochs.
import { ProgressView, type Write } from "../execution/progress-view";
import type { LogRecord } from "./container";
import type { ExecutionEvent } from "./executor";
import { progressEventOf } from "./progress-events";
import type { StateRecord } from "./run-record";
import type { JobProgress } from "./sagemaker-jobs";

export type { Write };

function number(value: unknown, digits = 3): string | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : undefined;
}

/**
 * One line for a training epoch record (`msg: "epoch"`), or undefined for other records. The losses are
 * the cross-entropy of the 24-hour classification, in nats; the MAE is circular, in hours.
 */
export function epochLine(record: LogRecord): string | undefined {
  if (record["msg"] === "early stopping") {
    return `early stopping at epoch ${String(record["epoch"])} (best epoch ${String(record["bestEpoch"])})`;
  }
  if (record["msg"] !== "epoch" || typeof record["epoch"] !== "number") return undefined;
  const parts = [
    `epoch ${String(record["epoch"]).padStart(3)}`,
    number(record["train_loss"]) && `train loss ${number(record["train_loss"])} nats`,
    number(record["val_loss"]) && `val loss ${number(record["val_loss"])} nats`,
    number(record["val_mae_hours"]) && `val MAE ${number(record["val_mae_hours"])} h`,
    typeof record["samples_per_sec"] === "number" && `${record["samples_per_sec"]} samples/s`,
  ];
  return parts.filter(Boolean).join("  ");
}

/**
 * The headers and results around the epoch lines of a training job with cross-validation: which fold the
 * epochs belong to, each fold's validation error, the mean, and where the final model's epochs start.
 * `crossValidated` tells whether fold records came before (the final fit's epochs carry no fold).
 */
export function trainingLines(record: LogRecord, crossValidated: boolean): string[] {
  const fold = record["cv_fold"];
  switch (record["msg"]) {
    case "epoch":
      if (record["epoch"] !== 1) return [];
      if (typeof fold === "number") return [`cross-validation fold ${fold}:`];
      return crossValidated ? ["final model (all training days, early stopping on validation):"] : [];
    case "cross-validation fold":
      return [
        `fold ${String(fold)}: val MAE ${number(record["cv_fold_mae_hours"]) ?? "?"} h, ` +
          `RMSE ${number(record["rmse_hours"]) ?? "?"} h`,
      ];
    case "cross-validation":
      return [
        `cross-validation: mean val MAE ${number(record["cv_mean_mae_hours"]) ?? "?"} h over ` +
          `${String(record["folds"])} folds`,
      ];
    default:
      return [];
  }
}

function count(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "object" && value !== null) {
    return Object.values(value).reduce((sum: number, item) => sum + count(item), 0);
  }
  return 0;
}

/** One line for the preprocessing report (rows accepted and rejected, examples per split). */
export function preprocessLine(record: LogRecord): string | undefined {
  if (record["msg"] === "daily visits read") {
    const invalid = count(record["invalidRawHits"]);
    const duplicates = count(record["duplicateRawHits"]);
    return (
      `daily visits: ${count(record["rows"])} read, ${count(record["accepted"])} accepted, ` +
      `${count(record["rejected"])} rejected` +
      (invalid > 0 ? `; ${invalid} raw hits broke the data contract` : "") +
      (duplicates > 0 ? `; ${duplicates} duplicate raw hits removed` : "") +
      (typeof record["rowsPerSecond"] === "number" ? ` (${record["rowsPerSecond"]} rows/s)` : "")
    );
  }
  if (record["msg"] === "preprocess progress") {
    return `features: ${count(record["rows"])} of ${count(record["of"])} visits, ${count(record["rowsPerSecond"])} rows/s`;
  }
  if (
    record["msg"] === "examples written" &&
    typeof record["examples"] === "object" &&
    record["examples"] !== null
  ) {
    return `examples: ${Object.entries(record["examples"])
      .map(([split, n]) => `${split} ${String(n)}`)
      .join(", ")}`;
  }
  return undefined;
}

export class ProgressReporter {
  private readonly view: ProgressView;

  constructor(private readonly write: Write) {
    this.view = new ProgressView(write);
  }

  onEvent(event: ExecutionEvent, completed: StateRecord | undefined): void {
    const progress = progressEventOf(event);
    if (progress) this.view.render(progress, completed);
  }

  /** Whether the training job has reported cross-validation folds (its final fit comes after them). */
  private crossValidated = false;

  onJobProgress(progress: JobProgress): void {
    const { record } = progress;
    for (const line of trainingLines(record, this.crossValidated)) this.write(`      ${line}`);
    if (record["msg"] === "cross-validation") this.crossValidated = true;
    if (record["msg"] === "training data") this.crossValidated = false;
    const line = epochLine(record) ?? preprocessLine(record);
    if (line) {
      this.write(`      ${typeof record["cv_fold"] === "number" ? "  " : ""}${line}`);
    } else if (record["level"] === "warn" && typeof record["msg"] === "string") {
      this.write(`      ${progress.jobName}: warning: ${record["msg"]}`);
    }
  }
}
