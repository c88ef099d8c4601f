// The errors the handlers throw, one class per error, each `name` equal to the ASL error string that the
// state machine's Retry and Catch match on. This module is pure (no SDK import): the definition imports
// TRANSIENT_HANDLER_ERRORS from here for its Retry.

/** Base class: `name` is the stable error string; `message` says what was wrong and what to do. */
export abstract class HandlerError extends Error {
  abstract override readonly name: HandlerErrorName;
}

/** The event (or a value in it) does not match the handler's documented event. Final. */
export class InvalidInput extends HandlerError {
  override readonly name = "InvalidInput";
}

/** A required environment variable (or config value) is missing or malformed. Final. */
export class InvalidConfiguration extends HandlerError {
  override readonly name = "InvalidConfiguration";
}

/** A string is not an `s3://<bucket>/<key>` URI. Final. */
export class InvalidS3Uri extends HandlerError {
  override readonly name = "InvalidS3Uri";
}

/** An object the store was asked to read does not exist. Final (handlers rename it where it matters). */
export class ObjectNotFound extends HandlerError {
  override readonly name = "ObjectNotFound";
}

/** start-query: the SQL file named by `sqlUri` does not exist. Final. */
export class SqlNotFound extends HandlerError {
  override readonly name = "SqlNotFound";
}

/** start-query: the SQL is empty or uses a `{{placeholder}}` other than `{{source_table}}`. Final. */
export class InvalidSql extends HandlerError {
  override readonly name = "InvalidSql";
}

/** get-query-status: the query engine does not know this QueryExecutionId (local engine). Final. */
export class QueryNotFound extends HandlerError {
  override readonly name = "QueryNotFound";
}

/** snapshot-dataset: the query result `<QueryExecutionId>.csv` does not exist. Final. */
export class SourceNotFound extends HandlerError {
  override readonly name = "SourceNotFound";
}

/** snapshot-dataset: a different snapshot already exists at the target; it is never overwritten. Final. */
export class SnapshotExists extends HandlerError {
  override readonly name = "SnapshotExists";
}

/** snapshot-dataset: the copy's size or SHA-256 differs from the source; the copy is kept. Final. */
export class SnapshotVerificationFailed extends HandlerError {
  override readonly name = "SnapshotVerificationFailed";
}

/** snapshot-dataset: the query succeeded with no data rows; nothing is copied. Final. */
export class EmptyQueryResult extends HandlerError {
  override readonly name = "EmptyQueryResult";
}

/**
 * snapshot-dataset: the share of raw hits that broke the raw-hits contract is above the run's threshold;
 * nothing is copied or trained. Final: the data must be fixed (or the threshold raised).
 */
export class TooManyInvalidHits extends HandlerError {
  override readonly name = "TooManyInvalidHits";
}

/** quality-gate: the candidate's evaluation.json does not exist. Final. */
export class EvaluationNotFound extends HandlerError {
  override readonly name = "EvaluationNotFound";
}

/** quality-gate: the candidate's evaluation.json is not JSON or lacks `model.mae`/`model.rmse`. Final. */
export class InvalidEvaluation extends HandlerError {
  override readonly name = "InvalidEvaluation";
}

/** Every error name a handler itself throws, all final (a retry would fail the same way). */
export const HANDLER_ERROR_NAMES = [
  "InvalidInput",
  "InvalidConfiguration",
  "InvalidS3Uri",
  "ObjectNotFound",
  "SqlNotFound",
  "InvalidSql",
  "QueryNotFound",
  "SourceNotFound",
  "SnapshotExists",
  "SnapshotVerificationFailed",
  "EmptyQueryResult",
  "TooManyInvalidHits",
  "EvaluationNotFound",
  "InvalidEvaluation",
] as const;

export type HandlerErrorName = (typeof HANDLER_ERROR_NAMES)[number];

/**
 * Transient errors of the AWS services the handlers call, propagated with the SDK's own `name`
 * (after the SDK's own retries are exhausted): throttling, server-side faults, timeouts.
 */
export const TRANSIENT_AWS_ERRORS = [
  // Athena
  "TooManyRequestsException",
  "InternalServerException",
  // S3
  "SlowDown",
  "ServiceUnavailable",
  "InternalError",
  "RequestTimeout",
  "ConditionalRequestConflict",
  // SageMaker and the SDK in general
  "ThrottlingException",
  "Throttling",
  "RequestLimitExceeded",
  "ServiceUnavailableException",
  "InternalFailure",
  "TimeoutError",
] as const;

/** Errors of the Lambda service itself, raised by `arn:aws:states:::lambda:invoke` (AWS's recommendation). */
export const TRANSIENT_LAMBDA_SERVICE_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
] as const;

/**
 * The transient errors a handler itself throws (every one an AWS error passed through): what a handler
 * Task's Retry matches besides TRANSIENT_LAMBDA_SERVICE_ERRORS. Every other error is final.
 */
export const TRANSIENT_HANDLER_ERRORS: readonly string[] = TRANSIENT_AWS_ERRORS;

/** The error name of anything thrown, as Step Functions reports it (`Error` for a nameless one). */
export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : "Error";
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
