// The local executor's event log mapped to the shared ProgressEvent shape (execution/events.ts), so that
// local runs and AWS executions share one execution model and one progress view.
import type { ProgressEvent } from "../execution/events";
import type { ExecutionEvent } from "./executor";
import { causeText } from "./executor";

export function progressEventOf(event: ExecutionEvent): ProgressEvent | undefined {
  const at = event.timestamp;
  switch (event.type) {
    case "ExecutionStarted":
      return { type: "ExecutionStarted", at };
    case "StateEntered":
      return { type: "StateEntered", at, state: event.state.name, stateType: event.state.type };
    case "StateFailed":
      return {
        type: "StateFailed",
        at,
        state: event.state.name,
        stateType: event.state.type,
        error: event.Error,
        cause: causeText(event.Cause),
      };
    case "StateRetried":
      return {
        type: "StateRetried",
        at,
        state: event.state.name,
        attempt: event.retry.attempt,
        ...(event.retry.retrier.MaxAttempts !== undefined
          ? { maxAttempts: event.retry.retrier.MaxAttempts }
          : {}),
      };
    case "StateCaught":
      return { type: "StateCaught", at, state: event.state.name, next: event.catch.catcher.Next };
    case "StateExited":
      return { type: "StateExited", at, state: event.state.name };
    case "ExecutionSucceeded":
      return { type: "ExecutionSucceeded", at };
    case "ExecutionFailed":
      return { type: "ExecutionFailed", at, error: event.Error, cause: causeText(event.Cause) };
    case "ExecutionAborted":
      return { type: "ExecutionAborted", at };
    case "ExecutionTimeout":
      return {
        type: "ExecutionTimedOut",
        at,
        error: "States.Timeout",
        cause: "The execution exceeded its TimeoutSeconds.",
      };
    default:
      // Map iterations and Parallel branches: the pipeline has neither.
      return undefined;
  }
}
