// Retry and Catch policies shared by every Task of the pipeline. Every Task retries transient errors
// and routes anything else to a named Fail state that carries the error and its cause.
import type { Catcher, FailState, Retrier } from "./types";

/** Errors the Lambda service itself raises for an invoke that may succeed when repeated. */
export const LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
] as const;

/**
 * Errors our handlers let through from AWS APIs because they are transient (throttling, service
 * hiccups): the handler's error `name` is what Step Functions matches on.
 */
export const HANDLER_TRANSIENT_ERRORS = [
  "ThrottlingException",
  "TooManyRequestsException",
  "SlowDown",
  "ServiceUnavailable",
  "InternalServerException",
  "InternalServerError",
  "RequestTimeout",
  "TimeoutError",
] as const;

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

export function sageMakerRetry(): Retrier[] {
  return [
    {
      ErrorEquals: [...SAGEMAKER_TRANSIENT_ERRORS],
      IntervalSeconds: 10,
      MaxAttempts: 4,
      BackoffRate: 2,
      MaxDelaySeconds: 120,
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
