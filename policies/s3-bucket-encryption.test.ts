import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  BUCKET,
  ENCRYPTION,
  encryptionInputs,
  previewResource,
  stack,
  validateInPreview,
  itPassesTheCompliantStack,
} from "./fixtures/buckets";
import { s3BucketEncryption as policy } from "./s3-bucket-encryption";
import { check, urnOf } from "./testing";

describe("s3-bucket-encryption", () => {
  itPassesTheCompliantStack(policy);

  it("reports a bucket without encryption and a disallowed algorithm", async () => {
    const unlinked = stack((r) => {
      r["encryption"]!["bucket"] = "another-bucket";
    });
    assert.deepEqual(await check(policy, unlinked), [
      "mandatory bucket: the bucket has no server-side encryption configuration; add an aws.s3.BucketServerSideEncryptionConfiguration for it",
    ]);
    assert.deepEqual(await check(policy, stack(), { allowedAlgorithms: ["aws:kms:dsse"] }), [
      "mandatory encryption: the encryption rule uses aws:kms; use one of aws:kms:dsse (sseAlgorithm)",
    ]);
  });

  it("accepts the deprecated inline configuration", async () => {
    const inline = stack((r) => {
      r["encryption"]!["bucket"] = "another-bucket";
      r["bucket"]!["serverSideEncryptionConfiguration"] = {
        rule: {},
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      };
    });
    assert.deepEqual(await check(policy, inline), []);
  });

  it("links through property dependencies while names are unknown", async () => {
    const bucket = previewResource(BUCKET, "bucket", {}, ["bucket", "id"]);
    const encryption = previewResource(
      ENCRYPTION,
      "encryption",
      { rules: encryptionInputs.rules },
      ["bucket"],
      { bucket: [bucket] },
    );
    assert.deepEqual(await validateInPreview(policy, [bucket, encryption]), []);
  });

  it("makes a bucket whose settings are unknown an advisory, not a failure of the whole policy", async () => {
    const bucket = previewResource(BUCKET, "bucket", {}, ["bucket", "id"]);
    const encryption = previewResource(ENCRYPTION, "encryption", {}, ["bucket", "rules"], {
      bucket: [bucket],
    });
    assert.deepEqual(await validateInPreview(policy, [bucket, encryption]), [
      {
        message:
          "the bucket cannot be checked during preview (string value at .rules can't be known during preview); it is checked at `pulumi up`",
        enforcementLevel: "advisory",
        urn: urnOf(BUCKET, "bucket"),
      },
    ]);
  });
});
