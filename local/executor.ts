// Runs a state machine definition on aws-local-stepfunctions with local Task handlers, shortened Waits
// and retry pauses (the states and their loops still run), the Context Object of a real execution, and
// the event log streamed to the caller as it happens.
import "./polyfills";
import type { StateMachine } from "aws-local-stepfunctions" with { "resolution-mode": "import" };
import { arn } from "../components/asl/iam";
import type { JsonValue, StateMachineDefinition } from "../components/asl/types";
import { LOCAL_AWS } from "./endpoint-registry";
import type { TaskFunction } from "./tasks";

type Execution = ReturnType<StateMachine["run"]>;
/** One event of the executor's log (StateEntered, StateExited, StateFailed, ExecutionFailed, ...). */
export type ExecutionEvent = Execution["eventLogs"] extends AsyncGenerator<infer E> ? E : never;
type LibraryDefinition = ConstructorParameters<typeof StateMachine>[0];
type LibraryInput = Parameters<StateMachine["run"]>[0];

export type ExecutionStatus = "SUCCEEDED" | "FAILED" | "ABORTED" | "TIMED_OUT";

export interface ExecutionOutcome {
  status: ExecutionStatus;
  output: JsonValue | null;
  error: string | null;
  cause: string | null;
  events: ExecutionEvent[];
}

export interface ExecuteOptions {
  definition: StateMachineDefinition;
  stateMachineName: string;
  executionName: string;
  input: JsonValue;
  /** Local implementations of the Task states, by state name. */
  tasks: Record<string, TaskFunction>;
  /** Every Wait state pauses this long instead of its Seconds. */
  waitMs: number;
  /** Every retry pauses this long instead of IntervalSeconds × BackoffRate^n. */
  retryMs: number;
  onEvent?: (event: ExecutionEvent) => void;
  signal?: AbortSignal;
}

export function executionArn(stateMachineName: string, executionName: string): string {
  return arn(LOCAL_AWS, "states", `execution:${stateMachineName}:${executionName}`);
}

function namesOf(definition: StateMachineDefinition, type: "Wait" | "Retry"): string[] {
  return Object.entries(definition.States)
    .filter(([, state]) => (type === "Wait" ? state.Type === "Wait" : "Retry" in state && state.Retry))
    .map(([name]) => name);
}

export async function execute(options: ExecuteOptions): Promise<ExecutionOutcome> {
  const { StateMachine: Machine } = await import("aws-local-stepfunctions");
  // The library validates the definition (asl-validator) in its constructor; the project's typed ASL is
  // a subset of what it accepts, so only the type needs to be bridged here.
  const machine = new Machine(options.definition as unknown as LibraryDefinition);
  const stateMachineArn = arn(LOCAL_AWS, "states", `stateMachine:${options.stateMachineName}`);
  const execution = machine.run(options.input as LibraryInput, {
    overrides: {
      taskResourceLocalHandlers: options.tasks as NonNullable<
        NonNullable<Parameters<StateMachine["run"]>[1]>["overrides"]
      >["taskResourceLocalHandlers"],
      waitTimeOverrides: Object.fromEntries(
        namesOf(options.definition, "Wait").map((name) => [name, options.waitMs]),
      ),
      retryIntervalOverrides: Object.fromEntries(
        namesOf(options.definition, "Retry").map((name) => [name, options.retryMs]),
      ),
    },
    context: {
      Execution: {
        Id: executionArn(options.stateMachineName, options.executionName),
        Name: options.executionName,
        RoleArn: arn(LOCAL_AWS, "iam", `role/${options.stateMachineName}-states`, { global: true }),
      },
      StateMachine: { Id: stateMachineArn, Name: options.stateMachineName },
    },
  });
  const onAbort = () => execution.abort();
  options.signal?.addEventListener("abort", onAbort);
  if (options.signal?.aborted) onAbort();

  const events: ExecutionEvent[] = [];
  const collecting = (async () => {
    for await (const event of execution.eventLogs) {
      events.push(event);
      options.onEvent?.(event);
    }
  })();
  try {
    const output = (await execution.result) as JsonValue;
    await collecting;
    return { status: "SUCCEEDED", output, error: null, cause: null, events };
  } catch (error) {
    await collecting;
    return { ...failureOf(error, events), output: null, events };
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
  }
}

function failureOf(
  error: unknown,
  events: readonly ExecutionEvent[],
): { status: ExecutionStatus; error: string | null; cause: string | null } {
  const last = events.at(-1);
  if (last?.type === "ExecutionFailed") {
    return { status: "FAILED", error: last.Error, cause: causeText(last.Cause) };
  }
  if (last?.type === "ExecutionAborted") return { status: "ABORTED", error: "ExecutionAborted", cause: null };
  if (last?.type === "ExecutionTimeout") {
    return {
      status: "TIMED_OUT",
      error: "States.Timeout",
      cause: "The execution exceeded its TimeoutSeconds.",
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: "FAILED", error: error instanceof Error ? error.name : "Error", cause: message };
}

/** The executor reports a cause as given (string, Error or data); summaries want text. */
export function causeText(cause: unknown): string | null {
  if (cause === undefined || cause === null) return null;
  if (typeof cause === "string") return cause;
  if (cause instanceof Error) return cause.message;
  return JSON.stringify(cause);
}
