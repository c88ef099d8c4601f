import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stack, itPassesTheCompliantStack } from "./fixtures/buckets";
import { s3BucketPublicAccessBlock as policy } from "./s3-bucket-public-access-block";
import { check } from "./testing";

describe("s3-bucket-public-access-block", () => {
  itPassesTheCompliantStack(policy);

  it("reports a missing block, a setting off and a public ACL", async () => {
    assert.deepEqual(
      await check(
        policy,
        stack((r) => void (r["accessBlock"]!["bucket"] = "x")),
      ),
      [
        "mandatory bucket: the bucket has no public access block; add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets true",
      ],
    );
    assert.deepEqual(
      await check(
        policy,
        stack((r) => void (r["accessBlock"]!["restrictPublicBuckets"] = false)),
      ),
      ["mandatory accessBlock: the public access block leaves restrictPublicBuckets off; set them to true"],
    );
    assert.deepEqual(
      await check(
        policy,
        stack((r) => void (r["bucket"]!["acl"] = "public-read")),
      ),
      ['mandatory bucket: the canned ACL "public-read" makes the bucket public; use "private" or no ACL'],
    );
  });
});
