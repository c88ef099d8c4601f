// The model of an execution built from its progress events: one record per attempt of each state visit
// (loops and retries show as separate records), with durations, errors and where a Catch sent it. The
// same records make summary.json's `states` locally and the report of an AWS execution.
import type { ProgressEvent } from "./events";

export type StateRecordStatus = "SUCCEEDED" | "FAILED" | "RETRIED" | "CAUGHT" | "ABORTED";

export interface StateRecord {
  name: string;
  type: string;
  status: StateRecordStatus;
  startedAt: string;
  durationMs: number;
  /** The error of a FAILED, RETRIED or CAUGHT attempt. */
  error?: string;
  cause?: string;
  /** The state a Catch sent a CAUGHT attempt to. */
  caughtBy?: string;
  /** CloudWatch logs of the failed job or function, when known. */
  logsUrl?: string;
}

interface OpenState {
  name: string;
  type: string;
  startedAt: number;
  failure?: { error: string; cause: string | null; at: number; logsUrl?: string };
  caught: boolean;
  caughtBy?: string;
}

export class ExecutionModel {
  readonly records: StateRecord[] = [];
  private open: OpenState | undefined;

  /** Feeds one event; returns the record it completed, if any. */
  add(event: ProgressEvent): StateRecord | undefined {
    switch (event.type) {
      case "StateEntered":
        this.open = { name: event.state, type: event.stateType, startedAt: event.at, caught: false };
        return undefined;
      case "StateFailed":
        if (this.open) {
          this.open.failure = {
            error: event.error,
            cause: event.cause,
            at: event.at,
            ...(event.logsUrl ? { logsUrl: event.logsUrl } : {}),
          };
        }
        return undefined;
      case "StateRetried": {
        const record = this.close("RETRIED", this.open?.failure?.at ?? event.at);
        // A retry has no StateEntered of its own: the next attempt starts now.
        if (this.open) this.open = { ...this.open, startedAt: event.at, failure: undefined };
        return record;
      }
      case "StateCaught":
        if (this.open) {
          this.open.caught = true;
          if (event.next) this.open.caughtBy = event.next;
        }
        return undefined;
      case "StateExited": {
        const record = this.close(this.open?.caught ? "CAUGHT" : "SUCCEEDED", event.at);
        this.open = undefined;
        return record;
      }
      case "ExecutionFailed":
      case "ExecutionAborted":
      case "ExecutionTimedOut": {
        const status = event.type === "ExecutionFailed" ? "FAILED" : "ABORTED";
        const record = this.close(status, this.open?.failure?.at ?? event.at);
        this.open = undefined;
        return record;
      }
      case "ExecutionStarted":
      case "ExecutionSucceeded":
        return undefined;
      default: {
        const unknown: never = event;
        throw new Error(`Unknown progress event ${JSON.stringify(unknown)}`);
      }
    }
  }

  private close(status: StateRecordStatus, at: number): StateRecord | undefined {
    const open = this.open;
    if (!open) return undefined;
    const failure = open.failure && status !== "SUCCEEDED" ? open.failure : undefined;
    const record: StateRecord = {
      name: open.name,
      type: open.type,
      status,
      startedAt: new Date(open.startedAt).toISOString(),
      durationMs: Math.max(0, at - open.startedAt),
      ...(failure ? { error: failure.error, ...(failure.cause ? { cause: failure.cause } : {}) } : {}),
      ...(status === "CAUGHT" && open.caughtBy ? { caughtBy: open.caughtBy } : {}),
      ...(failure?.logsUrl ? { logsUrl: failure.logsUrl } : {}),
    };
    this.records.push(record);
    return record;
  }
}

/** Records of a whole event list. */
export function stateRecords(events: Iterable<ProgressEvent>): StateRecord[] {
  const model = new ExecutionModel();
  for (const event of events) model.add(event);
  return model.records;
}
