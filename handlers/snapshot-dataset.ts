// snapshot-dataset: copies the query result `<QueryExecutionId>.csv` to the execution's versioned dataset
// path `<DATASET_PREFIX>/<executionName>/daily-visits.csv`, verifies the copy (size and SHA-256) and never
// overwrites or deletes anything. Before copying it checks the data's quality from the hit counts the
// source SQL wrote (in the pass that digests the result): when the share of raw hits that broke the
// contract is above `maxInvalidHitShare`, it fails with `TooManyInvalidHits` and nothing is trained. Re-running after a copy that succeeded (a Lambda retry) finds an
// identical snapshot and returns it with `alreadyExisted: true`; a different one is `SnapshotExists`.
import type { ColumnSums } from "./csv-column-sums";
import { z } from "zod";
import { s3ObjectStore } from "./aws/s3-object-store";
import { snapshotConfigFromEnv, type SnapshotConfig, snapshotConfigSchema, validateConfig } from "./config";
import {
  EmptyQueryResult,
  InvalidInput,
  TooManyInvalidHits,
  ObjectNotFound,
  SnapshotExists,
  SnapshotVerificationFailed,
  SourceNotFound,
} from "./errors";
import type { LogSink } from "./log";
import type { ObjectDigest, ObjectStore } from "./ports";
import { defineHandler, type Handler, once } from "./runtime";
import { executionNameSchema, s3ObjectUriSchema } from "./schemas";
import { joinS3Uri } from "./s3-uri";

export const snapshotDatasetEventSchema = z.strictObject({
  executionName: executionNameSchema,
  queryExecutionId: z.string().min(1).max(128),
  /** The query result: `s3://…/<queryExecutionId>.csv` (start-query's `outputLocation`). */
  sourceUri: s3ObjectUriSchema,
  /** The largest share (0..1) of distinct raw hits that may break the raw-hits contract. */
  maxInvalidHitShare: z.number().min(0).max(1),
});
export type SnapshotDatasetEvent = z.infer<typeof snapshotDatasetEventSchema>;

/** The raw hits behind the daily visits, from the source SQL's page_views, invalid_hits and duplicate_hits. */
const rawHitCountsSchema = z.strictObject({
  /** Distinct raw hits: valid ones (the page views) and contract-breaking ones. */
  distinct: z.number().nonnegative(),
  invalid: z.number().nonnegative(),
  /** Extra copies of exact duplicate hits, removed by the SQL. */
  duplicate: z.number().nonnegative(),
  /** invalid / distinct (0 when there are none). */
  invalidShare: z.number().min(0).max(1),
  /** Invalid hits whose event_time could not be read (the SQL's rows without a visit_date). */
  unreadableEventTime: z.number().nonnegative(),
});
export type RawHitCounts = z.infer<typeof rawHitCountsSchema>;

/** The source SQL's columns (sql/training-data.sql) that rawHitCounts reads; a missing one counts 0. */
export const HIT_COUNT_COLUMNS = ["page_views", "invalid_hits", "duplicate_hits"] as const;

export function rawHitCounts({ all, whereEmpty }: ColumnSums): RawHitCounts {
  const valid = all["page_views"] ?? 0;
  const invalid = all["invalid_hits"] ?? 0;
  const distinct = valid + invalid;
  return {
    distinct,
    invalid,
    duplicate: all["duplicate_hits"] ?? 0,
    invalidShare: distinct > 0 ? invalid / distinct : 0,
    unreadableEventTime: whereEmpty["invalid_hits"] ?? 0,
  };
}

const percent = (share: number) => `${(Math.round(share * 1000) / 10).toLocaleString("en-US")}%`;

/** The cause of TooManyInvalidHits: the share, the counts, the threshold and what to do. */
export function invalidShareProblem(
  hits: RawHitCounts,
  maxShare: number,
  sourceUri: string,
): string | undefined {
  if (hits.invalidShare <= maxShare) return undefined;
  const count = (n: number) => n.toLocaleString("en-US");
  return (
    `${percent(hits.invalidShare)} of the raw hits broke the raw-hits contract (${count(hits.invalid)} of ` +
    `${count(hits.distinct)} distinct hits), more than the allowed ${percent(maxShare)} ` +
    `(dataQuality.maxInvalidHitShare): nothing was trained. ` +
    (hits.unreadableEventTime > 0
      ? `${count(hits.unreadableEventTime)} of them have an event_time that is not a wall-clock time ` +
        `YYYY-MM-DD HH:MM:SS (epoch seconds are refused). `
      : "") +
    `The invalid_hits column of ${sourceUri} shows the users and days; fix the data (docs/contracts.md, ` +
    `"Raw hits") or raise the threshold.`
  );
}

export const snapshotDatasetResultSchema = z.strictObject({
  datasetUri: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** Lowercase hex SHA-256 of the snapshot. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Data rows (CSV records after the header). */
  rowCount: z.number().int().nonnegative(),
  sourceUri: z.string(),
  /** True when an identical snapshot was already there (a retried execution). */
  alreadyExisted: z.boolean(),
  rawHits: rawHitCountsSchema,
});
export type SnapshotDatasetResult = z.infer<typeof snapshotDatasetResultSchema>;

export const SNAPSHOT_FILE_NAME = "daily-visits.csv";

export interface SnapshotDatasetPorts {
  readonly objectStore: ObjectStore;
  readonly config: SnapshotConfig;
  readonly logSink?: LogSink;
}

/** Where an execution's snapshot lands. */
export function snapshotUri(datasetPrefix: string, executionName: string): string {
  return joinS3Uri(datasetPrefix, executionName, SNAPSHOT_FILE_NAME);
}

function sameContent(a: ObjectDigest, b: ObjectDigest): boolean {
  return a.sizeBytes === b.sizeBytes && a.sha256 === b.sha256;
}

async function digestSource(store: ObjectStore, sourceUri: string): Promise<ObjectDigest> {
  try {
    return await store.digest(sourceUri, { columns: HIT_COUNT_COLUMNS, whereEmpty: "visit_date" });
  } catch (error) {
    if (error instanceof ObjectNotFound) {
      throw new SourceNotFound(
        `The query result ${sourceUri} does not exist: check that the query SUCCEEDED and wrote its result there.`,
      );
    }
    throw error;
  }
}

/** Checks the written copy against the source: size from head, SHA-256 from the store or by reading it. */
async function verifyCopy(store: ObjectStore, source: ObjectDigest, targetUri: string): Promise<void> {
  const info = await store.head(targetUri);
  if (info === null) {
    throw new SnapshotVerificationFailed(`The copy ${targetUri} is missing right after it was written.`);
  }
  const sha256 = info.sha256 ?? (await store.digest(targetUri)).sha256;
  if (info.sizeBytes !== source.sizeBytes || sha256 !== source.sha256) {
    throw new SnapshotVerificationFailed(
      `The copy ${targetUri} (${info.sizeBytes} bytes, sha256 ${sha256}) differs from the source ` +
        `(${source.sizeBytes} bytes, sha256 ${source.sha256}); it is kept for inspection: ` +
        `remove it by hand and run a new execution.`,
    );
  }
}

export function createSnapshotDatasetHandler(ports: SnapshotDatasetPorts): Handler<SnapshotDatasetResult> {
  const config = validateConfig(snapshotConfigSchema, ports.config);
  const store = ports.objectStore;
  return defineHandler(
    {
      name: "snapshot-dataset",
      event: snapshotDatasetEventSchema,
      result: snapshotDatasetResultSchema,
      async run(event, logger) {
        const expectedName = `${event.queryExecutionId}.csv`;
        if (!event.sourceUri.endsWith(`/${expectedName}`)) {
          throw new InvalidInput(
            `event.sourceUri: ${event.sourceUri} is not the result of query ${event.queryExecutionId} ` +
              `(expected a key ending in /${expectedName}): pass start-query's outputLocation.`,
          );
        }
        const datasetUri = snapshotUri(config.datasetPrefix, event.executionName);
        const source = await digestSource(store, event.sourceUri);
        // An empty result would only fail later, in preprocessing, after a snapshot and a job were paid for.
        if (source.csvRecords <= 1) {
          throw new EmptyQueryResult(
            `Query ${event.queryExecutionId} succeeded but returned no rows (${event.sourceUri}): ` +
              `check that the source table has hits in the queried period.`,
          );
        }
        const rawHits = rawHitCounts(source.columnSums);
        const problem = invalidShareProblem(rawHits, event.maxInvalidHitShare, event.sourceUri);
        if (problem) throw new TooManyInvalidHits(problem);
        let outcome;
        try {
          outcome = await store.copyIfAbsent(event.sourceUri, datasetUri);
        } catch (error) {
          if (error instanceof ObjectNotFound)
            throw new SourceNotFound(`The query result ${event.sourceUri} disappeared during the copy.`);
          throw error;
        }
        if (outcome === "exists") {
          const existing = await store.digest(datasetUri);
          if (!sameContent(existing, source)) {
            throw new SnapshotExists(
              `A different snapshot already exists at ${datasetUri} (${existing.sizeBytes} bytes, sha256 ` +
                `${existing.sha256}); snapshots are never overwritten: use a new execution name.`,
            );
          }
          logger.log("info", "identical snapshot already exists", { datasetUri });
        } else {
          await verifyCopy(store, source, datasetUri);
        }
        return {
          datasetUri,
          sizeBytes: source.sizeBytes,
          sha256: source.sha256,
          rowCount: Math.max(0, source.csvRecords - 1),
          sourceUri: event.sourceUri,
          alreadyExisted: outcome === "exists",
          rawHits,
        };
      },
    },
    ports.logSink,
  );
}

const lambdaHandler = once(() =>
  createSnapshotDatasetHandler({ objectStore: s3ObjectStore(), config: snapshotConfigFromEnv() }),
);

/** The Lambda entry point. */
export const handler: Handler<SnapshotDatasetResult> = (event) => lambdaHandler()(event);
