// Fault injection (`--fail-state STATE:ERROR[:N]`): the named Task state throws the named error for its
// first N attempts, before its real work, so that the definition's own Retry and Catch run exactly as
// they would after a real throttle or a failed job.
import { InjectedFault, UsageError } from "./errors";

export interface FaultSpec {
  state: string;
  error: string;
  /** How many attempts fail, counted over every entry of the state (loops included). */
  attempts: number;
}

/** Parses `STATE:ERROR[:N]`; an error name may itself contain dots (`Lambda.TooManyRequestsException`). */
export function parseFaultSpec(text: string): FaultSpec {
  const match = /^([^:]+):([^:]+)(?::(\d+))?$/.exec(text);
  if (!match?.[1] || !match[2]) {
    throw new UsageError(
      `--fail-state "${text}" is not STATE:ERROR[:N], e.g. StartQuery:Lambda.TooManyRequestsException:2.`,
    );
  }
  const attempts = match[3] === undefined ? 1 : Number(match[3]);
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new UsageError(`--fail-state "${text}": N must be a whole number of attempts, at least 1.`);
  }
  return { state: match[1], error: match[2], attempts };
}

/** Checks that every fault names a Task state of the definition (only Tasks run local code). */
export function checkFaultStates(faults: readonly FaultSpec[], taskStates: readonly string[]): void {
  const unknown = faults.filter((fault) => !taskStates.includes(fault.state));
  if (unknown.length > 0) {
    throw new UsageError(
      `--fail-state names ${unknown.map((fault) => `"${fault.state}"`).join(", ")}, which is not a Task ` +
        `state of the definition. Task states: ${taskStates.join(", ")}.`,
    );
  }
}

export type TaskFn<I, O> = (input: I) => Promise<O>;

/** Wraps a state's handler so that its first `attempts` calls throw the fault's error. */
export function withFault<I, O>(fault: FaultSpec | undefined, handler: TaskFn<I, O>): TaskFn<I, O> {
  if (!fault) return handler;
  let calls = 0;
  return async (input) => {
    calls += 1;
    if (calls <= fault.attempts) {
      throw new InjectedFault(
        fault.error,
        `Injected by --fail-state ${fault.state}:${fault.error}:${fault.attempts} (attempt ${calls} of ${fault.attempts}).`,
      );
    }
    return handler(input);
  };
}
