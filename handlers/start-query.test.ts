import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { AthenaClient, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { mockClient } from "aws-sdk-client-mock";
import { AthenaQueryEngine } from "./aws/athena-query-engine";
import { S3ObjectStore } from "./aws/s3-object-store";
import { queryConfigFromEnv } from "./config";
import { TRANSIENT_HANDLER_ERRORS } from "./errors";
import { createStartQueryHandler, renderSql } from "./start-query";
import { awsError, recordingSink, s3Body, sha256Hex } from "./testing/aws-fakes";

const athena = mockClient(AthenaClient);
const s3 = mockClient(S3Client);

const CONFIG = {
  workgroup: "visit-time-dev",
  database: "analytics",
  outputLocation: "s3://query-results-dev/athena/",
  sourceTable: "raw_hits",
};

function startQuery() {
  const logs = recordingSink();
  const run = createStartQueryHandler({
    queryEngine: new AthenaQueryEngine(new AthenaClient({ region: "eu-west-1" })),
    objectStore: new S3ObjectStore(new S3Client({ region: "eu-west-1" })),
    config: CONFIG,
    logSink: logs.sink,
  });
  return { run, logs: logs.records };
}

describe("start-query", () => {
  beforeEach(() => {
    athena.reset();
    s3.reset();
  });

  it("reads the SQL from S3, substitutes the source table and starts it in the configured workgroup", async () => {
    s3.on(GetObjectCommand).resolves({ Body: s3Body("SELECT * FROM {{source_table}} WHERE x = 1") });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-123" });
    const { run, logs } = startQuery();

    const result = await run({ executionName: "run-1", sqlUri: "s3://sql-bucket/sql/daily_visits.sql" });

    assert.deepEqual(result, {
      queryExecutionId: "q-123",
      outputLocation: "s3://query-results-dev/athena/q-123.csv",
    });
    assert.deepEqual(
      s3.commandCalls(GetObjectCommand).map((call) => call.args[0].input),
      [{ Bucket: "sql-bucket", Key: "sql/daily_visits.sql" }],
    );
    const sql = "SELECT * FROM raw_hits WHERE x = 1";
    assert.deepEqual(
      athena.commandCalls(StartQueryExecutionCommand).map((call) => call.args[0].input),
      [
        {
          QueryString: sql,
          QueryExecutionContext: { Database: "analytics" },
          WorkGroup: "visit-time-dev",
          ResultConfiguration: { OutputLocation: "s3://query-results-dev/athena/" },
          ClientRequestToken: sha256Hex(`run-1\n${sql}`),
        },
      ],
    );
    assert.ok(logs.length >= 2 && logs.every((record) => record.executionName === "run-1"));
    assert.equal(logs.at(-1)?.message, "succeeded");
  });

  it("starts inline SQL without reading S3", async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: "q-9" });
    const result = await startQuery().run({
      executionName: "run-2",
      sql: "SELECT count(*) FROM {{source_table}}",
    });
    assert.equal(result.outputLocation, "s3://query-results-dev/athena/q-9.csv");
    assert.equal(s3.calls().length, 0);
    assert.equal(
      athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input.QueryString,
      "SELECT count(*) FROM raw_hits",
    );
  });

  it("fails with SqlNotFound when the SQL file does not exist", async () => {
    s3.on(GetObjectCommand).rejects(awsError("NoSuchKey", "The specified key does not exist.", 404));
    await assert.rejects(
      startQuery().run({ executionName: "run-1", sqlUri: "s3://sql-bucket/missing.sql" }),
      {
        name: "SqlNotFound",
        message: "The SQL file s3://sql-bucket/missing.sql does not exist: upload it or fix InputFilePath.",
      },
    );
    assert.equal(athena.calls().length, 0);
  });

  it("fails with InvalidSql for an unknown placeholder or an empty SQL", async () => {
    await assert.rejects(startQuery().run({ executionName: "r", sql: "SELECT * FROM {{source_tabel}}" }), {
      name: "InvalidSql",
      message: /unknown placeholder \{\{source_tabel\}\}/,
    });
    await assert.rejects(startQuery().run({ executionName: "r", sql: "-- nothing\n" }), {
      name: "InvalidSql",
      message: /The SQL is empty/,
    });
    assert.equal(athena.calls().length, 0);
  });

  it("propagates Athena throttling with its own name, which the definition retries", async () => {
    athena.on(StartQueryExecutionCommand).rejects(awsError("TooManyRequestsException", "Rate exceeded"));
    await assert.rejects(startQuery().run({ executionName: "r", sql: "SELECT 1" }), {
      name: "TooManyRequestsException",
    });
    assert.ok(TRANSIENT_HANDLER_ERRORS.includes("TooManyRequestsException"));
  });

  it("propagates a final Athena error (an unknown workgroup) unchanged", async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(awsError("InvalidRequestException", "WorkGroup is not found"));
    await assert.rejects(startQuery().run({ executionName: "r", sql: "SELECT 1" }), {
      name: "InvalidRequestException",
    });
    assert.ok(!TRANSIENT_HANDLER_ERRORS.includes("InvalidRequestException"));
  });

  it("rejects a malformed event with InvalidInput naming the field", async () => {
    const { run, logs } = startQuery();
    await assert.rejects(run({ executionName: "run-1", sqlUri: "https://example.com/x.sql" }), {
      name: "InvalidInput",
      message: /event\.sqlUri: "https:\/\/example\.com\/x\.sql" is not an S3 URI/,
    });
    await assert.rejects(run({ sqlUri: "s3://b-1/x.sql" }), {
      name: "InvalidInput",
      message: /event\.executionName/,
    });
    await assert.rejects(run({ executionName: "r", sql: "SELECT 1", sqlUri: "s3://b-1/x.sql" }), {
      name: "InvalidInput",
      message: /event: give exactly one of sqlUri .* and sql/,
    });
    await assert.rejects(run("not an object"), { name: "InvalidInput" });
    assert.equal(athena.calls().length + s3.calls().length, 0);
    assert.equal(logs.at(-1)?.error, "InvalidInput");
  });
});

describe("renderSql", () => {
  it("substitutes every {{source_table}}", () => {
    assert.equal(renderSql("{{source_table}} {{source_table}}", "db.t"), "db.t db.t");
  });
});

describe("queryConfigFromEnv", () => {
  it("reads the documented environment variables", () => {
    assert.deepEqual(
      queryConfigFromEnv({
        ATHENA_WORKGROUP: "wg",
        ATHENA_DATABASE: "db",
        ATHENA_OUTPUT_LOCATION: "s3://results-1/x/",
        SOURCE_TABLE: "raw_hits",
      }),
      { workgroup: "wg", database: "db", outputLocation: "s3://results-1/x/", sourceTable: "raw_hits" },
    );
  });

  it("fails with InvalidConfiguration naming the missing or bad variable", () => {
    assert.throws(() => queryConfigFromEnv({ ATHENA_WORKGROUP: "wg" }), {
      name: "InvalidConfiguration",
      message: /Missing environment variable\(s\) ATHENA_DATABASE, ATHENA_OUTPUT_LOCATION, SOURCE_TABLE/,
    });
    assert.throws(
      () =>
        queryConfigFromEnv({
          ATHENA_WORKGROUP: "wg",
          ATHENA_DATABASE: "db",
          ATHENA_OUTPUT_LOCATION: "results",
          SOURCE_TABLE: "raw hits",
        }),
      {
        name: "InvalidConfiguration",
        message: /ATHENA_OUTPUT_LOCATION: .*; SOURCE_TABLE: must be a SQL identifier/,
      },
    );
  });
});
