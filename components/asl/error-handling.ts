// Retry and Catch policies shared by every Task of the pipeline. Every Task retries transient errors
// and routes anything else to a named Fail state that carries the error and its cause.
import { TRANSIENT_HANDLER_ERRORS, TRANSIENT_LAMBDA_SERVICE_ERRORS } from "../../handlers/errors";
import type { Catcher, FailState, Retrier } from "./types";

/**
 * What a Lambda Task retries: the Lambda service's own transient errors, and the AWS errors (throttling,
 * service faults) that the handlers let through under their own names. The handlers' module owns both
 * lists; it is pure, so the definition can import it.
 */
export const LAMBDA_SERVICE_ERRORS = TRANSIENT_LAMBDA_SERVICE_ERRORS;
export const HANDLER_TRANSIENT_ERRORS = TRANSIENT_HANDLER_ERRORS;

/** SageMaker service integrations report throttling and service faults under these names. */
export const SAGEMAKER_TRANSIENT_ERRORS = [
  "SageMaker.AmazonSageMakerException",
  "SageMaker.ThrottlingException",
  "SageMaker.InternalFailure",
  "SageMaker.ServiceUnavailable",
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

/**
 * SageMaker reports throttling of the Create* calls as SageMaker.AmazonSageMakerException, the same name it
 * gives validation errors that no retry can fix; so the retries are few and short (at most ~35 s lost).
 */
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
