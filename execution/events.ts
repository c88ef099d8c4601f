// One shape for what happens in an execution, whoever ran it: the local executor's event log
// (local/progress-events.ts) and a Step Functions execution history (execution/history-events.ts) are
// both mapped to these events, so that one model (state-records.ts) and one renderer (progress-view.ts)
// serve `npm start` and `npm run execution -- watch`. Pure: no AWS SDK, no executor import.

/** Milliseconds since the epoch. */
type At = { at: number };

export type ProgressEvent =
  | ({ type: "ExecutionStarted" } & At)
  | ({ type: "StateEntered"; state: string; stateType: string } & At)
  /** An attempt of a state failed (a Task's error, or a Fail state's own error and cause). */
  | ({
      type: "StateFailed";
      state: string;
      stateType: string;
      error: string;
      cause: string | null;
      /** Where the failed job or function logged (CloudWatch console URL), when known. */
      logsUrl?: string;
    } & At)
  /** The state starts its attempt number `attempt + 1` (`attempt` retries so far, 1-based). */
  | ({ type: "StateRetried"; state: string; attempt: number; maxAttempts?: number } & At)
  /** A Catch routed the failed state to `next`. */
  | ({ type: "StateCaught"; state: string; next?: string } & At)
  | ({ type: "StateExited"; state: string } & At)
  | ({ type: "ExecutionSucceeded" } & At)
  | ({ type: "ExecutionFailed"; error: string; cause: string | null } & At)
  | ({ type: "ExecutionAborted" } & At)
  | ({ type: "ExecutionTimedOut"; error: string; cause: string | null } & At);

export type ProgressEventType = ProgressEvent["type"];

export type ExecutionEndStatus = "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT";

/** The execution's end status, if the event ends it. */
export function endStatus(event: ProgressEvent): ExecutionEndStatus | undefined {
  switch (event.type) {
    case "ExecutionSucceeded":
      return "SUCCEEDED";
    case "ExecutionFailed":
      return "FAILED";
    case "ExecutionAborted":
      return "ABORTED";
    case "ExecutionTimedOut":
      return "TIMED_OUT";
    default:
      return undefined;
  }
}
