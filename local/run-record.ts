// Turns the executor's event log into the per-state records of summary.json (one per attempt of each
// state visit: loops and retries show as separate records) and the execution history of history.json.
import type { ExecutionEvent } from "./executor";
import { causeText } from "./executor";

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
}

interface OpenState {
  name: string;
  type: string;
  startedAt: number;
  failure?: { error: string; cause: string | null; at: number };
  caught: boolean;
}

export class StateRecorder {
  readonly records: StateRecord[] = [];
  private open: OpenState | undefined;

  /** Feeds one event; returns the record it completed, if any. */
  add(event: ExecutionEvent): StateRecord | undefined {
    switch (event.type) {
      case "StateEntered":
        this.open = {
          name: event.state.name,
          type: event.state.type,
          startedAt: event.timestamp,
          caught: false,
        };
        return undefined;
      case "StateFailed":
        if (this.open)
          this.open.failure = { error: event.Error, cause: causeText(event.Cause), at: event.timestamp };
        return undefined;
      case "StateRetried": {
        const record = this.close("RETRIED", this.open?.failure?.at ?? event.timestamp);
        // The library retries without a new StateEntered: the next attempt starts now.
        if (this.open) this.open = { ...this.open, startedAt: event.timestamp, failure: undefined };
        return record;
      }
      case "StateCaught":
        if (this.open) this.open.caught = true;
        return undefined;
      case "StateExited": {
        const record = this.close(this.open?.caught ? "CAUGHT" : "SUCCEEDED", event.timestamp);
        this.open = undefined;
        return record;
      }
      case "ExecutionFailed":
      case "ExecutionAborted":
      case "ExecutionTimeout": {
        const status = event.type === "ExecutionFailed" ? "FAILED" : "ABORTED";
        const record = this.close(status, this.open?.failure?.at ?? event.timestamp);
        this.open = undefined;
        return record;
      }
      default:
        return undefined;
    }
  }

  private close(status: StateRecordStatus, at: number): StateRecord | undefined {
    const open = this.open;
    if (!open) return undefined;
    const record: StateRecord = {
      name: open.name,
      type: open.type,
      status,
      startedAt: new Date(open.startedAt).toISOString(),
      durationMs: Math.max(0, at - open.startedAt),
      ...(open.failure && status !== "SUCCEEDED"
        ? { error: open.failure.error, ...(open.failure.cause ? { cause: open.failure.cause } : {}) }
        : {}),
    };
    this.records.push(record);
    return record;
  }
}

/** The execution history as written to history.json: every event, numbered, with ISO timestamps. */
export function historyOf(events: readonly ExecutionEvent[]): Record<string, unknown>[] {
  return events.map((event, index) => ({
    id: index + 1,
    ...event,
    timestamp: new Date(event.timestamp).toISOString(),
    ...("Cause" in event ? { Cause: causeText(event.Cause) } : {}),
  }));
}
