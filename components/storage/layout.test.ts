import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  artifactLifecycleRules,
  athenaResultEncryption,
  bucketEncryptionRule,
  dataLifecycleRules,
  parseS3Location,
  RAW_HITS_COLUMNS,
  s3Uri,
  tlsOnlyBucketPolicy,
} from "./layout";
import { validateRawHitsSource } from "./storage";
import { RAW_HIT_COLUMNS } from "../../contracts/raw-hits";

describe("storage layout", () => {
  it("gives the Glue table exactly the raw-hits columns the source SQL reads, in order", () => {
    assert.deepEqual(
      RAW_HITS_COLUMNS.map((column) => column.name),
      [...RAW_HIT_COLUMNS],
    );
    // The SQL reads event_time's text; a timestamp column would refuse `T` and offsets on Athena.
    assert.equal(RAW_HITS_COLUMNS.find((column) => column.name === "event_time")?.type, "string");
  });

  it("parses s3 locations into bucket and a key prefix ending in /", () => {
    assert.deepEqual(parseS3Location("s3://raw-hits/hits/"), { bucket: "raw-hits", prefix: "hits/" });
    assert.deepEqual(parseS3Location("s3://raw-hits/hits"), { bucket: "raw-hits", prefix: "hits/" });
    assert.deepEqual(parseS3Location("s3://raw-hits"), { bucket: "raw-hits", prefix: "" });
    assert.throws(() => parseS3Location("https://raw-hits/x"), /is not an s3:\/\/bucket\/prefix location/);
  });

  it("round-trips any bucket and folder prefix", () => {
    const bucket = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/);
    const folder = fc.array(fc.stringMatching(/^[a-zA-Z0-9_=-]{1,10}$/), { maxLength: 4 });
    fc.assert(
      fc.property(bucket, folder, (name, parts) => {
        const prefix = parts.length > 0 ? `${parts.join("/")}/` : "";
        assert.deepEqual(parseS3Location(s3Uri(name, prefix)), { bucket: name, prefix });
      }),
    );
  });

  it("denies every request without TLS on the bucket and its objects", () => {
    assert.deepEqual(
      tlsOnlyBucketPolicy({ partition: "aws", region: "eu-west-1", accountId: "1" }, "b").Statement,
      [
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: "*",
          Action: "s3:*",
          Resource: ["arn:aws:s3:::b", "arn:aws:s3:::b/*"],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    );
  });

  it("encrypts with the stack's key when there is one, else with S3's", () => {
    assert.deepEqual(bucketEncryptionRule(undefined), {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" },
    });
    assert.equal(bucketEncryptionRule("arn:k").applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
    assert.deepEqual(athenaResultEncryption(undefined), { encryptionOption: "SSE_S3" });
    assert.deepEqual(athenaResultEncryption("arn:k"), { encryptionOption: "SSE_KMS", kmsKeyArn: "arn:k" });
  });

  it("expires raw query results only (snapshots are kept)", () => {
    const expiring = dataLifecycleRules(30).filter((rule) => "expiration" in rule);
    assert.deepEqual(expiring, [
      {
        id: "expire-query-results",
        status: "Enabled",
        filter: { prefix: "query-results/" },
        expiration: { days: 30 },
      },
    ]);
  });

  it("never expires current artifacts, only versions that were deleted or overwritten", () => {
    const [rule] = artifactLifecycleRules();
    assert.equal(rule !== undefined && "expiration" in rule, false);
    assert.deepEqual(rule?.noncurrentVersionExpiration, { noncurrentDays: 90 });
  });

  it("needs the raw hits location to create the Glue table", () => {
    assert.throws(
      () => validateRawHitsSource({ database: "d", table: "t", createGlueTable: true }),
      /\[source\.rawHitsUri\] is required when source\.createGlueTable is true/,
    );
    validateRawHitsSource({ database: "d", table: "t", createGlueTable: false });
  });
});
