// The small ports each handler's logic is written against. Two sets of implementations: AWS SDK v3
// (`handlers/aws/`, used by the Lambda entry points) and local ones (`handlers/local/`, used by the local
// runner). Keep them small: every method here must be implementable on both sides.

import type { ColumnSums, ColumnSumsSpec } from "./csv-column-sums";

export type QueryState = "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED" | "CANCELLED";

export interface StartQueryRequest {
  /** The SQL, with `{{source_table}}` already substituted. */
  readonly sql: string;
  readonly database: string;
  readonly workgroup: string;
  /** `s3://…` prefix where the engine writes `<queryExecutionId>.csv`. */
  readonly outputLocation: string;
  /** Idempotency token: the same token and SQL return the same query instead of starting another. */
  readonly clientRequestToken: string;
}

export interface QueryStatus {
  readonly state: QueryState;
  /** The engine's reason for the state; empty when it gives none. */
  readonly stateChangeReason: string;
  readonly dataScannedBytes: number;
  readonly engineExecutionTimeMs: number;
}

/** Athena, or DuckDB locally. */
export interface QueryEngine {
  /** Starts the query asynchronously and returns its id; the result lands at `<outputLocation>/<id>.csv`. */
  start(request: StartQueryRequest): Promise<{ queryExecutionId: string }>;
  /** The current state of a started query. Throws `QueryNotFound` (or Athena's error) for an unknown id. */
  status(queryExecutionId: string): Promise<QueryStatus>;
}

export interface ObjectInfo {
  readonly sizeBytes: number;
  /** Lowercase hex SHA-256 of the whole object when the store knows it without reading, else null. */
  readonly sha256: string | null;
}

export interface ObjectDigest {
  readonly sizeBytes: number;
  /** Lowercase hex SHA-256 of the bytes read. */
  readonly sha256: string;
  /** CSV records (newlines outside double quotes, plus an unterminated last line). */
  readonly csvRecords: number;
  /** The sums of the CSV columns `digest` was asked for (0 for a column the header lacks). */
  readonly columnSums: ColumnSums;
}

export type WriteOutcome = "written" | "exists";

/** S3, or a directory tree locally. Every URI is `s3://<bucket>/<key>`. */
export interface ObjectStore {
  /** The object as UTF-8 text. Throws `ObjectNotFound` if absent. */
  getText(uri: string): Promise<string>;
  /** Size and stored checksum, or null if absent. */
  head(uri: string): Promise<ObjectInfo | null>;
  /**
   * Reads the whole object once: size, SHA-256, CSV record count and the sums of the CSV columns named in
   * `sums`. Throws `ObjectNotFound` if absent.
   */
  digest(uri: string, sums?: ColumnSumsSpec): Promise<ObjectDigest>;
  /**
   * Copies `source` to `target` only if `target` does not exist (atomically: S3 `IfNoneMatch: "*"`, a
   * hard link locally). Returns "exists" and leaves the target untouched if it exists.
   * Throws `ObjectNotFound` if the source is absent.
   */
  copyIfAbsent(source: string, target: string): Promise<WriteOutcome>;
  /** Writes `body` to `uri` only if it does not exist (atomically); "exists" leaves it untouched. */
  putIfAbsent(uri: string, body: string): Promise<WriteOutcome>;
}

export interface EndpointDescription {
  /** SageMaker's EndpointStatus: Creating, Updating, InService, Failed, RollingBack, Deleting, ... */
  readonly status: string;
  /** SageMaker's FailureReason; empty when it gives none. */
  readonly failureReason: string;
  /** The endpoint configuration it currently runs (SageMaker's EndpointConfigName). */
  readonly endpointConfigName: string;
}

export interface DeployedModel {
  /** The model the endpoint's current config serves; null if the endpoint config no longer exists. */
  readonly modelName: string | null;
  /**
   * The model's `EVALUATION_URI` environment variable (set by CreateModel); null if the model no longer
   * exists or has none.
   */
  readonly evaluationUri: string | null;
  /** The model's artifacts (`PrimaryContainer.ModelDataUrl`); null if the model no longer exists or has none. */
  readonly modelDataUrl: string | null;
}

/**
 * SageMaker endpoints, or the local runner's registry. The local runner adapts its own registry to this
 * interface; `InMemoryEndpointRegistry` (handlers/testing) is the reference fake.
 */
export interface EndpointRegistry {
  /** The endpoint's status, or null if no endpoint has this name. */
  describeEndpoint(endpointName: string): Promise<EndpointDescription | null>;
  /** What the endpoint currently serves, or null if no endpoint has this name. */
  describeDeployedModel(endpointName: string): Promise<DeployedModel | null>;
}
