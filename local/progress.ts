// Live progress on the terminal, the counterpart of the seed's render_progress(): each Task and Wait state
// as it starts, every state as it ends with its duration, retries and catches with the error, and the
// training job's epochs from the container's JSON log lines.
import type { LogRecord } from "./container";
import type { ExecutionEvent } from "./executor";
import { causeText } from "./executor";
import type { StateRecord } from "./run-record";
import { formatDuration, readableCause } from "./summary";
import type { JobProgress } from "./sagemaker-jobs";

export type Write = (line: string) => void;

const LONG_RUNNING = new Set(["Task", "Wait"]);

function number(value: unknown, digits = 3): string | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value.toFixed(digits) : undefined;
}

/** One line for a training epoch record (`msg: "epoch"`), or undefined for other records. */
export function epochLine(record: LogRecord): string | undefined {
  if (record["msg"] === "early stopping") {
    return `early stopping at epoch ${String(record["epoch"])} (best epoch ${String(record["bestEpoch"])})`;
  }
  if (record["msg"] !== "epoch" || typeof record["epoch"] !== "number") return undefined;
  const fold = typeof record["fold"] === "number" ? `fold ${record["fold"]} ` : "";
  const parts = [
    `${fold}epoch ${String(record["epoch"]).padStart(3)}`,
    number(record["train_loss"]) && `train_loss ${number(record["train_loss"])}`,
    number(record["val_loss"]) && `val_loss ${number(record["val_loss"])}`,
    number(record["val_mae_hours"]) && `val_mae ${number(record["val_mae_hours"])} h`,
    typeof record["samples_per_sec"] === "number" && `${record["samples_per_sec"]} samples/s`,
  ];
  return parts.filter(Boolean).join("  ");
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
    return (
      `daily visits: ${count(record["rows"])} read, ${count(record["accepted"])} accepted, ` +
      `${count(record["rejected"])} rejected` +
      (invalid > 0 ? `; ${invalid} raw hits broke the data contract` : "") +
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
  /** The Catch's Next of the state being caught (reported when the state exits). */
  private caughtBy: string | undefined;

  constructor(private readonly write: Write) {}

  onEvent(event: ExecutionEvent, completed: StateRecord | undefined): void {
    switch (event.type) {
      case "ExecutionStarted":
        this.write("▶ execution started");
        return;
      case "StateEntered":
        if (LONG_RUNNING.has(event.state.type)) this.write(`  → ${event.state.name} (${event.state.type})`);
        return;
      case "StateRetried":
        this.write(
          `  ↻ ${event.state.name} failed with ${completed?.error ?? "an error"}; retry ${event.retry.attempt}` +
            (event.retry.retrier.MaxAttempts !== undefined ? ` of ${event.retry.retrier.MaxAttempts}` : ""),
        );
        return;
      case "StateCaught":
        this.caughtBy = event.catch.catcher.Next;
        return;
      case "StateExited":
        if (completed?.status === "CAUGHT") {
          this.write(
            `  ✖ ${completed.name.padEnd(28)} ${formatDuration(completed.durationMs).padStart(10)}  ` +
              `failed with ${completed.error ?? "an error"}; caught → ${this.caughtBy ?? "?"}`,
          );
        } else if (completed) {
          this.write(`  ✔ ${completed.name.padEnd(28)} ${formatDuration(completed.durationMs).padStart(10)}`);
        }
        return;
      case "StateFailed":
        if (event.state.type === "Fail") {
          const cause = causeText(event.Cause);
          this.write(`  ✖ ${event.state.name}: ${event.Error}${cause ? `: ${readableCause(cause)}` : ""}`);
        }
        return;
      case "ExecutionSucceeded":
        this.write("■ execution succeeded");
        return;
      case "ExecutionFailed":
        this.write(`■ execution failed: ${event.Error}`);
        return;
      case "ExecutionAborted":
      case "ExecutionTimeout":
        this.write(`■ execution ${event.type === "ExecutionAborted" ? "aborted" : "timed out"}`);
        return;
      default:
        return;
    }
  }

  onJobProgress(progress: JobProgress): void {
    const line = epochLine(progress.record) ?? preprocessLine(progress.record);
    if (line) {
      this.write(`      ${line}`);
    } else if (progress.record["level"] === "warn" && typeof progress.record["msg"] === "string") {
      this.write(`      ${progress.jobName}: warning: ${progress.record["msg"]}`);
    }
  }
}
