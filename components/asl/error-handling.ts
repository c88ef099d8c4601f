// Retry and Catch policies shared by every Task of the pipeline. Every Task retries transient errors
// and routes anything else to a named Fail state that carries the error and its cause.
import { TRANSIENT_HANDLER_ERRORS, TRANSIENT_LAMBDA_SERVICE_ERRORS } from "../../handlers/errors";
import type { Catcher, ChoiceCondition, ChoiceRule, FailState, Retrier, State, TaskState } from "./types";

/**
 * What a Lambda Task retries: the Lambda service's own transient errors, and the AWS errors (throttling,
 * service faults) that the handlers let through under their own names. The handlers' module owns both
 * lists; it is pure, so the definition can import it.
 */
export const LAMBDA_SERVICE_ERRORS = TRANSIENT_LAMBDA_SERVICE_ERRORS;
export const HANDLER_TRANSIENT_ERRORS = TRANSIENT_HANDLER_ERRORS;

/**
 * Step Functions names the errors of the SageMaker service integrations after the SageMaker SDK's
 * exception classes: the few it models keep their names (`SageMaker.ResourceInUseException`, ...), every
 * other one, a ValidationException (a model name that exists, a missing endpoint config) and a
 * ThrottlingException alike, is `SageMaker.AmazonSageMakerException`, with the error code in the cause:
 * `<message> (Service: AmazonSageMaker; Status Code: 400; Error Code: ThrottlingException; Request ID: ...)`.
 * So the name alone cannot tell a retry that can help from one that cannot; the cause can.
 */
export const SAGEMAKER_SERVICE_EXCEPTION = "SageMaker.AmazonSageMakerException";

/** Transient errors under their own names: retried by the Task's Retry, should the integration use them. */
export const SAGEMAKER_TRANSIENT_ERRORS = [
  "SageMaker.ThrottlingException",
  "SageMaker.InternalFailure",
  "SageMaker.ServiceUnavailable",
] as const;

/** Causes of `SageMaker.AmazonSageMakerException` that a retry can fix: throttling and service faults (5xx). */
export const SAGEMAKER_TRANSIENT_CAUSES = [
  "*Error Code: ThrottlingException*",
  "*(Service: AmazonSageMaker; Status Code: 5*",
] as const;

/** SageMaker's refusal to update an endpoint that another update (or its creation) is still changing. */
export const ENDPOINT_IN_PROGRESS_CAUSE = "*Cannot update in-progress endpoint*";

/** Where each SageMaker call's own retry counter lives: `$.retries.<state>.attempts`. */
export const RETRIES_PATH = "$.retries";

/** SNS's throttling and service faults as the sns:publish integration names them. */
export const SNS_TRANSIENT_ERRORS = [
  "SNS.ThrottledException",
  "SNS.InternalErrorException",
  "SNS.KMSThrottlingException",
] as const;

/** Where a Catch stores the error, and where the Fail states read it from. */
export const ERROR_PATH = "$.error";

export function lambdaRetry(): Retrier[] {
  return [
    {
      ErrorEquals: [...LAMBDA_SERVICE_ERRORS],
      IntervalSeconds: 2,
      MaxAttempts: 6,
      BackoffRate: 2,
      JitterStrategy: "FULL",
    },
    {
      ErrorEquals: [...HANDLER_TRANSIENT_ERRORS],
      IntervalSeconds: 5,
      MaxAttempts: 5,
      BackoffRate: 2,
      MaxDelaySeconds: 60,
      JitterStrategy: "FULL",
    },
  ];
}

/** Retries the transient errors that carry their own name; the cause-based ones go through sageMakerCall. */
export function sageMakerRetry(): Retrier[] {
  return [
    {
      ErrorEquals: [...SAGEMAKER_TRANSIENT_ERRORS],
      IntervalSeconds: 5,
      MaxAttempts: 3,
      BackoffRate: 2,
      MaxDelaySeconds: 30,
      JitterStrategy: "FULL",
    },
  ];
}

/** Back-off of a cause-based retry: `delaysSeconds[n]` before attempt n + 2; as many attempts as delays. */
export interface CauseRetry {
  /** `StringMatches` patterns of `$.error.Cause`. */
  causes: readonly string[];
  delaysSeconds: readonly number[];
}

/** Throttling and service faults of a SageMaker call: three more attempts, 5, 15 and 45 s later. */
export const SAGEMAKER_TRANSIENT_RETRY: CauseRetry = {
  causes: SAGEMAKER_TRANSIENT_CAUSES,
  delaysSeconds: [5, 15, 45],
};

/** When the cause-based retries of `busy` are spent, this names the error instead of SageMaker's. */
export interface NamedExhaustion {
  retry: CauseRetry;
  /** The Pass state that names the error and its cause, then goes to the fail state. */
  describeState: string;
  error: string;
  /** An intrinsic (`States.Format(...)`) for the cause; `$.error.Cause` holds SageMaker's. */
  cause: string;
}

/** The states around one SageMaker call: `<name>` and the three states of its cause-based retry. */
export function sageMakerRetryStateNames(name: string): { check: string; count: string; backOff: string } {
  return { check: `Check${name}Error`, count: `Count${name}Retry`, backOff: `BackOff${name}` };
}

/**
 * A SageMaker Task with its retries: the transient errors with their own names by its Retry; a
 * `SageMaker.AmazonSageMakerException` goes to a Choice that reads the cause, and only throttling and
 * service faults (and, with `busy`, the cause it names) come back to the Task, after a back-off, counted
 * in `$.retries.<name>.attempts`; anything else (a ValidationException: no retry can fix it) and any
 * other error go to `failState` at once.
 */
export function sageMakerCall(
  name: string,
  task: TaskState,
  failState: string,
  busy?: NamedExhaustion,
): Record<string, State> {
  const names = sageMakerRetryStateNames(name);
  const attempts = `${RETRIES_PATH}.${name}.attempts`;
  const causeIs = (causes: readonly string[]): ChoiceCondition => {
    const tests = causes.map((cause): ChoiceCondition => ({
      Variable: `${ERROR_PATH}.Cause`,
      StringMatches: cause,
    }));
    return tests.length === 1 && tests[0] ? tests[0] : { Or: tests };
  };
  const retryRule = (retry: CauseRetry): ChoiceRule => ({
    And: [causeIs(retry.causes), { Variable: attempts, NumericLessThan: retry.delaysSeconds.length }],
    Next: names.count,
  });
  const delays = [SAGEMAKER_TRANSIENT_RETRY, ...(busy ? [busy.retry] : [])].reduce<number[]>(
    (longest, retry) => (longest.length >= retry.delaysSeconds.length ? longest : [...retry.delaysSeconds]),
    [],
  );
  const states: Record<string, State> = {
    [name]: {
      ...task,
      Retry: sageMakerRetry(),
      Catch: [
        { ErrorEquals: [SAGEMAKER_SERVICE_EXCEPTION], ResultPath: ERROR_PATH, Next: names.check },
        ...catchAllTo(failState),
      ],
    },
    [names.check]: {
      Type: "Choice",
      Comment: "Retry only what a retry can fix: SageMaker names its validation errors and throttling alike.",
      Choices: [
        retryRule(SAGEMAKER_TRANSIENT_RETRY),
        ...(busy ? [retryRule(busy.retry), { ...causeIs(busy.retry.causes), Next: busy.describeState }] : []),
      ],
      Default: failState,
    },
    [names.count]: {
      Type: "Pass",
      Comment: `Count the retries of ${name}: bounded by its back-off schedule.`,
      Parameters: {
        [`attempts.$`]: `States.MathAdd(${attempts}, 1)`,
        [`delaySeconds.$`]: `States.ArrayGetItem(States.Array(${delays.join(", ")}), ${attempts})`,
      },
      ResultPath: `${RETRIES_PATH}.${name}`,
      Next: names.backOff,
    },
    [names.backOff]: { Type: "Wait", SecondsPath: `${RETRIES_PATH}.${name}.delaySeconds`, Next: name },
  };
  if (busy) {
    states[busy.describeState] = {
      Type: "Pass",
      Parameters: { Error: busy.error, "Cause.$": busy.cause },
      ResultPath: ERROR_PATH,
      Next: failState,
    };
  }
  return states;
}

/** The Tasks of a definition that sageMakerCall built: the initial value of each one's retry counter. */
export function retryCounters(
  states: Record<string, State>,
): Record<string, { attempts: number; delaySeconds: number }> {
  return Object.fromEntries(
    Object.entries(states)
      .filter(
        ([name, state]) =>
          state.Type === "Task" &&
          (state.Catch ?? []).some((catcher) => catcher.Next === sageMakerRetryStateNames(name).check),
      )
      .map(([name]) => [name, { attempts: 0, delaySeconds: 0 }]),
  );
}

/** Publishing a notice: SNS's transient errors, a few short retries. */
export function snsRetry(): Retrier[] {
  return [
    {
      ErrorEquals: [...SNS_TRANSIENT_ERRORS],
      IntervalSeconds: 2,
      MaxAttempts: 3,
      BackoffRate: 2,
      JitterStrategy: "FULL",
    },
  ];
}

/** Catch everything that survived the retries and hand it to the named Fail state. */
export function catchAllTo(failStateName: string): Catcher[] {
  return [{ ErrorEquals: ["States.ALL"], ResultPath: ERROR_PATH, Next: failStateName }];
}

/** A Fail state that reports the error and cause a Catch (or a describing Pass) stored at `$.error`. */
export function failWithStoredError(comment: string): FailState {
  return {
    Type: "Fail",
    Comment: comment,
    ErrorPath: `${ERROR_PATH}.Error`,
    CausePath: `${ERROR_PATH}.Cause`,
  };
}
