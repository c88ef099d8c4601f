// A Step Functions execution history (GetExecutionHistory's events) mapped to the shared ProgressEvent
// shape. Step Functions has no retry or catch events: a retry is a Task scheduled again after it failed
// in the same state visit, a catch is a state exited after a failure (its target is the state entered
// next, so the catch is reported when that state is entered).
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import type { StateMachineDefinition } from "../components/asl/types";
import type { ProgressEvent } from "./events";
import { failedJobLogsUrl } from "./logs-links";

const FAILURE_DETAILS = [
  "taskFailedEventDetails",
  "taskStartFailedEventDetails",
  "taskSubmitFailedEventDetails",
  "taskTimedOutEventDetails",
  "lambdaFunctionFailedEventDetails",
  "lambdaFunctionStartFailedEventDetails",
  "lambdaFunctionScheduleFailedEventDetails",
  "lambdaFunctionTimedOutEventDetails",
] as const;

interface OpenState {
  name: string;
  type: string;
  failed: boolean;
  /** The error of the last failure (for the retrier that handles it). */
  lastError?: string;
  retries: number;
  /** The parameters of the Task's last TaskScheduled (job and function names). */
  parameters?: string;
  resource?: string;
}

/** `TaskStateEntered` → Task, `ChoiceStateExited` → Choice. */
function stateTypeOf(eventType: string, suffix: "Entered" | "Exited"): string | undefined {
  const match = new RegExp(`^(\\w+)State${suffix}$`).exec(eventType);
  return match?.[1];
}

/** The MaxAttempts of the retrier that matches `error` in `state`, when the definition is known. */
export function maxAttemptsFor(
  definition: StateMachineDefinition | undefined,
  state: string,
  error: string,
): number | undefined {
  const found = definition?.States[state];
  if (!found || !("Retry" in found) || !found.Retry) return undefined;
  const retrier = found.Retry.find(
    (candidate) =>
      candidate.ErrorEquals.includes(error) ||
      candidate.ErrorEquals.includes("States.ALL") ||
      (candidate.ErrorEquals.includes("States.TaskFailed") && !error.startsWith("States.")),
  );
  return retrier ? (retrier.MaxAttempts ?? 3) : undefined;
}

export interface HistoryMapperOptions {
  /** For links to CloudWatch logs. */
  region: string;
  /** For "retry n of N". */
  definition?: StateMachineDefinition;
}

/** Feed history events in order (as paginated); each returns the progress events it completes. */
export class HistoryMapper {
  private open: OpenState | undefined;
  /** A failed state that exited: caught, its target known when the next state is entered. */
  private caught: { state: string; at: number } | undefined;

  constructor(private readonly options: HistoryMapperOptions) {}

  add(event: HistoryEvent): ProgressEvent[] {
    const at = event.timestamp?.getTime() ?? 0;
    const type = event.type ?? "";
    const entered = stateTypeOf(type, "Entered");
    if (entered) {
      const name = event.stateEnteredEventDetails?.name ?? "?";
      const out = this.flushCaught(name);
      this.open = { name, type: entered, failed: false, retries: 0 };
      return [...out, { type: "StateEntered", at, state: name, stateType: entered }];
    }
    if (stateTypeOf(type, "Exited")) {
      const open = this.open;
      this.open = undefined;
      if (!open) return [];
      if (open.failed) {
        this.caught = { state: open.name, at };
        return [];
      }
      return [{ type: "StateExited", at, state: open.name }];
    }
    const failure = FAILURE_DETAILS.map((key) => event[key]).find((details) => details !== undefined);
    if (failure && this.open) {
      const open = this.open;
      open.failed = true;
      const error = failure.error ?? "States.TaskFailed";
      open.lastError = error;
      const cause = failure.cause ?? null;
      const logsUrl = failedJobLogsUrl({
        region: this.options.region,
        resource: open.resource,
        parameters: open.parameters,
        cause,
      });
      return [
        {
          type: "StateFailed",
          at,
          state: open.name,
          stateType: open.type,
          error,
          cause,
          ...(logsUrl ? { logsUrl } : {}),
        },
      ];
    }
    switch (type) {
      case "ExecutionStarted":
        return [{ type: "ExecutionStarted", at }];
      case "TaskScheduled":
      case "LambdaFunctionScheduled": {
        const open = this.open;
        if (!open) return [];
        const details = event.taskScheduledEventDetails;
        if (details) {
          open.parameters = details.parameters;
          open.resource = `${details.resourceType ?? ""}:${details.resource ?? ""}`;
        }
        if (!open.failed) return [];
        // Scheduled again after a failure in the same visit: a retry.
        open.failed = false;
        open.retries += 1;
        const maxAttempts = maxAttemptsFor(this.options.definition, open.name, open.lastError ?? "");
        return [
          {
            type: "StateRetried",
            at,
            state: open.name,
            attempt: open.retries,
            ...(maxAttempts !== undefined ? { maxAttempts } : {}),
          },
        ];
      }
      case "ExecutionSucceeded":
        return [...this.flushCaught(undefined), { type: "ExecutionSucceeded", at }];
      case "ExecutionFailed": {
        const details = event.executionFailedEventDetails;
        const error = details?.error ?? "States.Runtime";
        const cause = details?.cause ?? null;
        const out = this.flushCaught(undefined);
        if (this.open?.type === "Fail") {
          out.push({ type: "StateFailed", at, state: this.open.name, stateType: "Fail", error, cause });
        }
        this.open = undefined;
        return [...out, { type: "ExecutionFailed", at, error, cause }];
      }
      case "ExecutionAborted":
        return [...this.flushCaught(undefined), { type: "ExecutionAborted", at }];
      case "ExecutionTimedOut": {
        const details = event.executionTimedOutEventDetails;
        return [
          ...this.flushCaught(undefined),
          {
            type: "ExecutionTimedOut",
            at,
            error: details?.error ?? "States.Timeout",
            cause: details?.cause ?? null,
          },
        ];
      }
      default:
        return [];
    }
  }

  private flushCaught(next: string | undefined): ProgressEvent[] {
    const caught = this.caught;
    if (!caught) return [];
    this.caught = undefined;
    return [
      { type: "StateCaught", at: caught.at, state: caught.state, ...(next ? { next } : {}) },
      { type: "StateExited", at: caught.at, state: caught.state },
    ];
  }
}

/** A whole history at once. */
export function progressEventsOfHistory(
  events: readonly HistoryEvent[],
  options: HistoryMapperOptions,
): ProgressEvent[] {
  const mapper = new HistoryMapper(options);
  return events.flatMap((event) => mapper.add(event));
}
