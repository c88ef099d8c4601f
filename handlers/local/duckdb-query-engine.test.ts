import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { QueryNotFound } from "../errors";
import { DuckDbQueryEngine, sourceViewSql, withoutTrailingTerminators } from "./duckdb-query-engine";

const HITS = [
  "user_id,event_time,page_type,time_spent_sec,platform",
  "u1,2024-01-01 10:00:00,1,30,ios",
  "u1,2024-01-01 12:30:00,2,15,ios",
  'u"2,2024-01-02 08:00:00,,5,web',
  "",
].join("\n");

const OUTPUT = "s3://results-bucket/athena/";

describe("DuckDbQueryEngine (real DuckDB, real directory)", () => {
  let dir: string;
  let engine: DuckDbQueryEngine;
  let token = 0;
  const start = (sql: string) =>
    engine.start({
      sql,
      database: "db",
      workgroup: "wg",
      outputLocation: OUTPUT,
      clientRequestToken: `t${token++}`,
    });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "duckdb-engine-"));
    await writeFile(join(dir, "hits-1.csv"), HITS);
    engine = await DuckDbQueryEngine.create({
      s3Root: join(dir, "s3"),
      sourceTables: [{ name: "raw_hits", input: join(dir, "hits-*.csv") }],
    });
  });
  after(async () => {
    await engine.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("reports RUNNING on the first poll, then SUCCEEDED, and writes the result as Athena does", async () => {
    const { queryExecutionId } = await start(
      "SELECT user_id, count(*) AS hits FROM raw_hits GROUP BY user_id ORDER BY user_id; -- done",
    );
    const first = await engine.status(queryExecutionId);
    assert.equal(first.state, "RUNNING");
    const second = await engine.status(queryExecutionId);
    assert.equal(second.state, "SUCCEEDED", second.stateChangeReason);
    assert.equal(second.stateChangeReason, "");
    const csv = await readFile(
      join(dir, "s3", "results-bucket", "athena", `${queryExecutionId}.csv`),
      "utf8",
    );
    assert.equal(csv, '"user_id","hits"\n"u""2","1"\n"u1","2"\n');
    assert.equal((await engine.status(queryExecutionId)).state, "SUCCEEDED");
  });

  it("reports FAILED with DuckDB's reason for a failing SQL and writes no result", async () => {
    const { queryExecutionId } = await start("SELECT no_such_column FROM raw_hits");
    assert.equal((await engine.status(queryExecutionId)).state, "RUNNING");
    const final = await engine.status(queryExecutionId);
    assert.equal(final.state, "FAILED");
    assert.match(final.stateChangeReason, /Binder Error: Referenced column "no_such_column" not found/);
    await assert.rejects(stat(join(dir, "s3", "results-bucket", "athena", `${queryExecutionId}.csv`)), {
      code: "ENOENT",
    });
  });

  it("reports RUNNING again while a query outlasts a status call's wait, then its final state", async () => {
    const patient = await DuckDbQueryEngine.create({
      s3Root: join(dir, "s3"),
      sourceTables: [{ name: "raw_hits", input: join(dir, "hits-*.csv") }],
      statusWaitMs: 1,
    });
    try {
      const { queryExecutionId } = await patient.start({
        sql: "SELECT count(*) AS n FROM range(20000000) t(i) WHERE i % 7 = 3",
        database: "db",
        workgroup: "wg",
        outputLocation: OUTPUT,
        clientRequestToken: "slow",
      });
      assert.equal((await patient.status(queryExecutionId)).state, "RUNNING");
      assert.equal((await patient.status(queryExecutionId)).state, "RUNNING", "still running after 1 ms");
      let final = await patient.status(queryExecutionId);
      while (final.state === "RUNNING") final = await patient.status(queryExecutionId);
      assert.equal(final.state, "SUCCEEDED", final.stateChangeReason);
    } finally {
      await patient.close();
    }
  });

  it("returns the same query for the same idempotency token, as Athena does", async () => {
    const request = { sql: "SELECT 1 AS one", database: "db", workgroup: "wg", outputLocation: OUTPUT };
    const a = await engine.start({ ...request, clientRequestToken: "same" });
    const b = await engine.start({ ...request, clientRequestToken: "same" });
    assert.equal(a.queryExecutionId, b.queryExecutionId);
  });

  it("throws QueryNotFound for an id it did not start", async () => {
    await assert.rejects(engine.status("nope"), QueryNotFound);
  });

  it("fails to open naming the input when it matches no file", async () => {
    await assert.rejects(
      DuckDbQueryEngine.create({
        s3Root: join(dir, "s3"),
        sourceTables: [{ name: "raw_hits", input: join(dir, "missing-*.csv") }],
      }),
      (error: Error) =>
        error.message.includes("Cannot create the source table raw_hits") &&
        error.message.includes("missing-*.csv"),
    );
  });

  it("fails to open naming the required columns the input lacks", async () => {
    await assert.rejects(
      DuckDbQueryEngine.create({
        s3Root: join(dir, "s3"),
        sourceTables: [
          {
            name: "raw_hits",
            input: join(dir, "hits-*.csv"),
            requiredColumns: ["USER_ID", "platform", "referrer"],
          },
        ],
      }),
      { message: /raw_hits over .* lacks the required column\(s\) referrer \(it has: user_id, / },
    );
  });
});

describe("withoutTrailingTerminators", () => {
  it("drops trailing semicolons, whitespace and line comments, keeping the query", () => {
    assert.equal(withoutTrailingTerminators("SELECT 1;\n-- end\n ;; "), "SELECT 1");
    assert.equal(withoutTrailingTerminators("SELECT '--x'"), "SELECT '--x'");
  });
});

describe("sourceViewSql", () => {
  it("reads Parquet when every input is .parquet, CSV (optionally all VARCHAR) otherwise, quoting names", () => {
    assert.deepEqual(sourceViewSql({ name: "raw.hits", input: ["a.parquet", "b'.parquet"] }), [
      'CREATE SCHEMA IF NOT EXISTS "raw"',
      `CREATE OR REPLACE VIEW "raw"."hits" AS SELECT * FROM read_parquet(['a.parquet', 'b''.parquet'], union_by_name = true)`,
    ]);
    assert.deepEqual(sourceViewSql({ name: "hits", input: "x.csv", allVarchar: true }), [
      `CREATE OR REPLACE VIEW "hits" AS SELECT * FROM read_csv(['x.csv'], header = true, union_by_name = true, all_varchar = true)`,
    ]);
  });
});
