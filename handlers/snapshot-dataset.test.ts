import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, beforeEach, describe, it } from "node:test";
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { S3ObjectStore } from "./aws/s3-object-store";
import { snapshotConfigFromEnv } from "./config";
import { TRANSIENT_HANDLER_ERRORS } from "./errors";
import { DirectoryObjectStore } from "./local/directory-object-store";
import type { ObjectStore } from "./ports";
import { createSnapshotDatasetHandler } from "./snapshot-dataset";
import { awsError, s3Body, sha256Base64, sha256Hex } from "./testing/aws-fakes";

const s3 = mockClient(S3Client);
// The source SQL's hit counts: 9 valid (page_views), 1 invalid, 4 extra copies of duplicates.
const CSV =
  '"user_id","visit_date","page_views","invalid_hits","duplicate_hits"\n' +
  '"u1","2024-01-01","4","1","3"\n"u2","2024-01-02","5","0","1"\n';
const OTHER = '"user_id","visit_date"\n"u9","2024-02-01"\n';
const EVENT = {
  executionName: "run-1",
  queryExecutionId: "q-1",
  sourceUri: "s3://query-results/athena/q-1.csv",
  maxInvalidHitShare: 0.1,
};
const SOURCE = { Bucket: "query-results", Key: "athena/q-1.csv" };
const TARGET = { Bucket: "datasets", Key: "daily-visits/run-1/daily-visits.csv" };

const snapshot = (store: ObjectStore = new S3ObjectStore(new S3Client({ region: "eu-west-1" }))) =>
  createSnapshotDatasetHandler({
    objectStore: store,
    config: { datasetPrefix: "s3://datasets/daily-visits/" },
    logSink: () => undefined,
  });

/** The source reads as CSV; the target (if read) as `target`. */
function objects(target: string): void {
  s3.on(GetObjectCommand, SOURCE).callsFake(() => ({ Body: s3Body(CSV) }));
  s3.on(GetObjectCommand, TARGET).callsFake(() => ({ Body: s3Body(target) }));
}

const inputs = (command: Parameters<typeof s3.commandCalls>[0]) =>
  s3.commandCalls(command).map((call) => call.args[0].input);

describe("snapshot-dataset on S3", () => {
  beforeEach(() => s3.reset());

  it("copies conditionally, verifies size and S3's SHA-256, and returns the dataset", async () => {
    objects(CSV);
    s3.on(CopyObjectCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({
      ContentLength: CSV.length,
      ChecksumSHA256: sha256Base64(CSV),
      ChecksumType: "FULL_OBJECT",
    });

    assert.deepEqual(await snapshot()(EVENT), {
      datasetUri: "s3://datasets/daily-visits/run-1/daily-visits.csv",
      sizeBytes: CSV.length,
      sha256: sha256Hex(CSV),
      rowCount: 2,
      sourceUri: EVENT.sourceUri,
      alreadyExisted: false,
      rawHits: { distinct: 10, invalid: 1, duplicate: 4, invalidShare: 0.1, unreadableEventTime: 0 },
    });
    assert.deepEqual(inputs(GetObjectCommand), [SOURCE]);
    assert.deepEqual(inputs(CopyObjectCommand), [
      {
        ...TARGET,
        CopySource: "query-results/athena/q-1.csv",
        IfNoneMatch: "*",
        ChecksumAlgorithm: "SHA256",
      },
    ]);
    assert.deepEqual(inputs(HeadObjectCommand), [{ ...TARGET, ChecksumMode: "ENABLED" }]);
  });

  it("reads the copy back when S3 has no full-object checksum for it", async () => {
    objects(CSV);
    s3.on(CopyObjectCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({
      ContentLength: CSV.length,
      ChecksumSHA256: "abc-2",
      ChecksumType: "COMPOSITE",
    });
    assert.equal((await snapshot()(EVENT)).sha256, sha256Hex(CSV));
    assert.deepEqual(inputs(GetObjectCommand), [SOURCE, TARGET]);
  });

  it("fails with SnapshotVerificationFailed when the copy differs, and keeps it", async () => {
    objects(CSV);
    s3.on(CopyObjectCommand).resolves({});
    s3.on(HeadObjectCommand).resolves({ ContentLength: CSV.length - 1, ChecksumSHA256: sha256Base64(CSV) });
    await assert.rejects(snapshot()(EVENT), {
      name: "SnapshotVerificationFailed",
      message: /daily-visits\.csv \(\d+ bytes, sha256 [0-9a-f]+\) differs from the source/,
    });
    assert.equal(s3.commandCalls(DeleteObjectCommand).length, 0);
  });

  it("returns an identical existing snapshot (a retried execution) without writing", async () => {
    objects(CSV);
    s3.on(CopyObjectCommand).rejects(
      awsError("PreconditionFailed", "At least one of the pre-conditions failed", 412),
    );
    const result = await snapshot()(EVENT);
    assert.equal(result.alreadyExisted, true);
    assert.equal(result.sha256, sha256Hex(CSV));
    assert.deepEqual(inputs(GetObjectCommand), [SOURCE, TARGET]);
  });

  it("fails with SnapshotExists when a different snapshot is there, and never overwrites or deletes it", async () => {
    objects(OTHER);
    s3.on(CopyObjectCommand).rejects(
      awsError("PreconditionFailed", "At least one of the pre-conditions failed", 412),
    );
    await assert.rejects(snapshot()(EVENT), {
      name: "SnapshotExists",
      message:
        /A different snapshot already exists at s3:\/\/datasets\/daily-visits\/run-1\/daily-visits\.csv/,
    });
    assert.equal(s3.commandCalls(PutObjectCommand).length + s3.commandCalls(DeleteObjectCommand).length, 0);
    assert.equal(s3.commandCalls(CopyObjectCommand).length, 1);
  });

  it("fails with SourceNotFound when the query result does not exist", async () => {
    s3.on(GetObjectCommand).rejects(awsError("NoSuchKey", "The specified key does not exist.", 404));
    await assert.rejects(snapshot()(EVENT), {
      name: "SourceNotFound",
      message: /s3:\/\/query-results\/athena\/q-1\.csv/,
    });
    assert.equal(s3.commandCalls(CopyObjectCommand).length, 0);
  });

  it("fails with EmptyQueryResult, copying nothing, when the query returned only a header", async () => {
    s3.on(GetObjectCommand, SOURCE).callsFake(() => ({ Body: s3Body('"user_id","visit_date"\n') }));
    await assert.rejects(snapshot()(EVENT), {
      name: "EmptyQueryResult",
      message: /Query q-1 succeeded but returned no rows \(s3:\/\/query-results\/athena\/q-1\.csv\)/,
    });
    assert.equal(s3.commandCalls(CopyObjectCommand).length, 0);
  });

  it("fails with TooManyInvalidHits, copying nothing, when the share of invalid hits passes the threshold", async () => {
    objects(CSV);
    await assert.rejects(snapshot()({ ...EVENT, maxInvalidHitShare: 0.05 }), {
      name: "TooManyInvalidHits",
      message:
        "10% of the raw hits broke the raw-hits contract (1 of 10 distinct hits), more than the allowed 5% " +
        "(dataQuality.maxInvalidHitShare): nothing was trained. The invalid_hits column of " +
        "s3://query-results/athena/q-1.csv shows the users and days; fix the data " +
        '(docs/contracts.md, "Raw hits") or raise the threshold.',
    });
    assert.equal(s3.commandCalls(CopyObjectCommand).length, 0);
    await assert.rejects(snapshot()({ ...EVENT, maxInvalidHitShare: 1.5 }), {
      name: "InvalidInput",
      message: /maxInvalidHitShare/,
    });
  });

  it("names event_time when the invalid hits are unreadable times (epoch seconds)", async () => {
    const epochs =
      '"user_id","visit_date","page_views","invalid_hits","duplicate_hits"\n' +
      '"u1","","0","150","0"\n"u2","2024-01-02","5","1","0"\n';
    s3.on(GetObjectCommand, SOURCE).callsFake(() => ({ Body: s3Body(epochs) }));
    await assert.rejects(snapshot()(EVENT), {
      name: "TooManyInvalidHits",
      message:
        /^96\.8% of the raw hits .*\(151 of 156 distinct hits\).* 150 of them have an event_time that is not a wall-clock time YYYY-MM-DD HH:MM:SS \(epoch seconds are refused\)\./,
    });
  });

  it("propagates throttling and a concurrent-write conflict, both transient", async () => {
    objects(CSV);
    s3.on(CopyObjectCommand)
      .rejectsOnce(awsError("SlowDown", "Please reduce your request rate.", 503))
      .rejectsOnce(awsError("ConditionalRequestConflict", "conflict", 409));
    await assert.rejects(snapshot()(EVENT), { name: "SlowDown" });
    await assert.rejects(snapshot()(EVENT), { name: "ConditionalRequestConflict" });
    assert.ok(TRANSIENT_HANDLER_ERRORS.includes("SlowDown"));
    assert.ok(TRANSIENT_HANDLER_ERRORS.includes("ConditionalRequestConflict"));
  });

  it("rejects a malformed event with InvalidInput", async () => {
    await assert.rejects(snapshot()({ ...EVENT, sourceUri: "s3://query-results/athena/q-2.csv" }), {
      name: "InvalidInput",
      message: /is not the result of query q-1/,
    });
    await assert.rejects(snapshot()({ ...EVENT, executionName: "../escape" }), {
      name: "InvalidInput",
      message: /event\.executionName/,
    });
    await assert.rejects(snapshot()({ executionName: "run-1" }), {
      name: "InvalidInput",
      message: /queryExecutionId/,
    });
    assert.equal(s3.calls().length, 0);
  });

  it("reads DATASET_PREFIX from the environment", () => {
    assert.deepEqual(snapshotConfigFromEnv({ DATASET_PREFIX: "s3://datasets/x" }), {
      datasetPrefix: "s3://datasets/x",
    });
    assert.throws(() => snapshotConfigFromEnv({}), {
      name: "InvalidConfiguration",
      message: /DATASET_PREFIX/,
    });
  });
});

describe("snapshot-dataset on a real directory", () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "snapshot-"));
    await mkdir(join(root, "query-results", "athena"), { recursive: true });
    await writeFile(join(root, "query-results", "athena", "q-1.csv"), CSV);
    await writeFile(join(root, "query-results", "athena", "q-2.csv"), OTHER);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("snapshots once, returns the same snapshot again, and cannot overwrite it with other data", async () => {
    const run = snapshot(new DirectoryObjectStore(root));
    const first = await run(EVENT);
    assert.equal(first.alreadyExisted, false);
    assert.equal(first.rowCount, 2);
    const target = join(root, "datasets", "daily-visits", "run-1", "daily-visits.csv");
    assert.equal(await readFile(target, "utf8"), CSV);

    assert.equal((await run(EVENT)).alreadyExisted, true);

    await assert.rejects(
      run({ ...EVENT, queryExecutionId: "q-2", sourceUri: "s3://query-results/athena/q-2.csv" }),
      {
        name: "SnapshotExists",
      },
    );
    assert.equal(await readFile(target, "utf8"), CSV);
  });
});
