// The live progress of an execution on the terminal, the counterpart of the seed's render_progress():
// each Task and Wait state as it starts, every state as it ends with its duration, retries and catches
// with the error, the failed state with its error and cause (and its logs, when known). The same view
// for `npm start` and `npm run execution -- watch`: both feed it ProgressEvents.
import type { ProgressEvent } from "./events";
import { formatDuration, readableCause } from "./format";
import type { StateRecord } from "./state-records";

export type Write = (line: string) => void;

const LONG_RUNNING = new Set(["Task", "Wait"]);

export class ProgressView {
  constructor(private readonly write: Write) {}

  /** Renders one event; `completed` is the record the execution model closed with it, if any. */
  render(event: ProgressEvent, completed: StateRecord | undefined): void {
    switch (event.type) {
      case "ExecutionStarted":
        this.write("▶ execution started");
        return;
      case "StateEntered":
        if (LONG_RUNNING.has(event.stateType)) this.write(`  → ${event.state} (${event.stateType})`);
        return;
      case "StateRetried":
        this.write(
          `  ↻ ${event.state} failed with ${completed?.error ?? "an error"}; retry ${event.attempt}` +
            (event.maxAttempts !== undefined ? ` of ${event.maxAttempts}` : ""),
        );
        return;
      case "StateCaught":
        return;
      case "StateExited":
        if (completed?.status === "CAUGHT") {
          this.write(
            `  ✖ ${completed.name.padEnd(28)} ${formatDuration(completed.durationMs).padStart(10)}  ` +
              `failed with ${completed.error ?? "an error"}; caught → ${completed.caughtBy ?? "?"}`,
          );
          if (completed.logsUrl) this.write(`      logs: ${completed.logsUrl}`);
        } else if (completed) {
          this.write(`  ✔ ${completed.name.padEnd(28)} ${formatDuration(completed.durationMs).padStart(10)}`);
        }
        return;
      case "StateFailed":
        if (event.stateType === "Fail") {
          this.write(
            `  ✖ ${event.state}: ${event.error}${event.cause ? `: ${readableCause(event.cause)}` : ""}`,
          );
        }
        return;
      case "ExecutionSucceeded":
        this.write("■ execution succeeded");
        return;
      case "ExecutionFailed":
        if (completed?.status === "FAILED" && completed.type !== "Fail") {
          // Uncaught: the state's own failure ends the execution.
          this.write(
            `  ✖ ${completed.name.padEnd(28)} ${formatDuration(completed.durationMs).padStart(10)}  ` +
              `failed with ${completed.error ?? event.error}` +
              (completed.cause ? `: ${readableCause(completed.cause)}` : ""),
          );
          if (completed.logsUrl) this.write(`      logs: ${completed.logsUrl}`);
        }
        this.write(`■ execution failed: ${event.error}`);
        return;
      case "ExecutionAborted":
        this.write("■ execution aborted");
        return;
      case "ExecutionTimedOut":
        this.write("■ execution timed out");
        return;
      default: {
        const unknown: never = event;
        throw new Error(`Unknown progress event ${JSON.stringify(unknown)}`);
      }
    }
  }
}
