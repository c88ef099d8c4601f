import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { identityPolicyFindings } from "../../test-support/iam-checks";
import { decide } from "../../test-support/iam-simulation";
import { policyDocument } from "../asl/iam";
import {
  getQueryStatusStatements,
  type QueryLoopReferences,
  snapshotDatasetStatements,
  startQueryEnvironment,
  startQueryStatements,
} from "./permissions";

const refs: QueryLoopReferences = {
  aws: { partition: "aws", region: "eu-west-1", accountId: "123456789012" },
  workgroupName: "visit-time-dev",
  database: "visit_time_dev",
  table: "raw_hits",
  dataBucket: "data-bucket",
  artifactBucket: "artifact-bucket",
  rawHitsUri: "s3://raw-hits/hits/",
};

function resourcesOf(statements: ReturnType<typeof startQueryStatements>, sid: string): string[] {
  const statement = statements.find((candidate) => candidate.Sid === sid);
  assert.ok(statement, `no statement ${sid}`);
  return statement.Resource;
}

describe("query loop permissions", () => {
  it("let start-query use the one workgroup, the one table, the SQL, the raw hits and the result prefix", () => {
    const statements = startQueryStatements(refs);
    assert.deepEqual(resourcesOf(statements, "StartQueriesInWorkgroup"), [
      "arn:aws:athena:eu-west-1:123456789012:workgroup/visit-time-dev",
    ]);
    assert.deepEqual(resourcesOf(statements, "ReadSourceTableMetadata"), [
      "arn:aws:glue:eu-west-1:123456789012:catalog",
      "arn:aws:glue:eu-west-1:123456789012:database/visit_time_dev",
      "arn:aws:glue:eu-west-1:123456789012:table/visit_time_dev/raw_hits",
    ]);
    assert.deepEqual(resourcesOf(statements, "ReadSourceSql"), [
      "arn:aws:s3:::artifact-bucket/sql/training-data.sql",
    ]);
    assert.deepEqual(resourcesOf(statements, "ReadRawHits"), ["arn:aws:s3:::raw-hits/hits/*"]);
    assert.deepEqual(resourcesOf(statements, "WriteQueryResults"), [
      "arn:aws:s3:::data-bucket/query-results/*",
    ]);
    assert.equal(
      statements.some((statement) => statement.Sid === "UseStackKey"),
      false,
    );
  });

  it("let Athena locate the raw-hits and result buckets: GetBucketLocation carries no s3:prefix", async () => {
    // Athena checks the buckets with the caller's credentials ("Unable to verify/create output bucket").
    const role = "arn:aws:iam::123456789012:role/start-query";
    for (const bucket of ["raw-hits", "data-bucket"]) {
      const request = { action: "s3:GetBucketLocation", resource: `arn:aws:s3:::${bucket}` };
      assert.equal(await decide(role, startQueryStatements(refs), request), "Allowed", bucket);
    }
    const other = { action: "s3:GetBucketLocation", resource: "arn:aws:s3:::artifact-bucket" };
    assert.equal(await decide(role, startQueryStatements(refs), other), "ImplicitlyDenied");
  });

  it("let get-query-status only read query states of the workgroup", () => {
    assert.deepEqual(getQueryStatusStatements(refs), [
      {
        Sid: "ReadQueryStatus",
        Effect: "Allow",
        Action: ["athena:GetQueryExecution"],
        Resource: ["arn:aws:athena:eu-west-1:123456789012:workgroup/visit-time-dev"],
      },
    ]);
  });

  it("let snapshot-dataset read results and write snapshots, nothing else of the bucket", () => {
    const statements = snapshotDatasetStatements({
      ...refs,
      kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
    });
    assert.deepEqual(resourcesOf(statements, "ReadQueryResults"), [
      "arn:aws:s3:::data-bucket/query-results/*",
    ]);
    assert.deepEqual(resourcesOf(statements, "WriteDatasets"), ["arn:aws:s3:::data-bucket/datasets/*"]);
    assert.deepEqual(resourcesOf(statements, "UseStackKey"), ["arn:aws:kms:eu-west-1:123456789012:key/k"]);
    const actions = statements.flatMap((statement) => statement.Action);
    assert.equal(actions.includes("s3:DeleteObject"), false);
  });

  it("follow the project's IAM rules", () => {
    for (const statements of [
      startQueryStatements(refs),
      getQueryStatusStatements(refs),
      snapshotDatasetStatements(refs),
    ]) {
      assert.deepEqual(identityPolicyFindings(policyDocument(statements)), []);
    }
  });

  it("give start-query the environment docs/contracts.md names", () => {
    assert.deepEqual(startQueryEnvironment({ ...refs, queryResultsUri: "s3://data-bucket/query-results/" }), {
      ATHENA_WORKGROUP: "visit-time-dev",
      ATHENA_DATABASE: "visit_time_dev",
      ATHENA_OUTPUT_LOCATION: "s3://data-bucket/query-results/",
      SOURCE_TABLE: "raw_hits",
    });
  });
});
