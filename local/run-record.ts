// Turns the executor's event log into the per-state records of summary.json (one per attempt of each
// state visit, built by the shared execution model) and the execution history of history.json.
import { ExecutionModel, type StateRecord } from "../execution/state-records";
import type { ExecutionEvent } from "./executor";
import { causeText } from "./executor";
import { progressEventOf } from "./progress-events";

export type { StateRecord, StateRecordStatus } from "../execution/state-records";

/** The execution model (execution/state-records.ts) fed with the local executor's events. */
export class StateRecorder {
  private readonly model = new ExecutionModel();

  get records(): StateRecord[] {
    return this.model.records;
  }

  /** Feeds one event; returns the record it completed, if any. */
  add(event: ExecutionEvent): StateRecord | undefined {
    const progress = progressEventOf(event);
    return progress ? this.model.add(progress) : undefined;
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
