import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { InvalidS3Uri } from "./errors";
import { joinS3Uri, localPathForS3Uri, parseS3ObjectUri, parseS3Uri } from "./s3-uri";

describe("parseS3Uri", () => {
  it("splits bucket and key", () => {
    assert.deepEqual(parseS3Uri("s3://my-bucket/a/b.csv"), { bucket: "my-bucket", key: "a/b.csv" });
    assert.deepEqual(parseS3Uri("s3://my-bucket/prefix/"), { bucket: "my-bucket", key: "prefix/" });
    assert.deepEqual(parseS3Uri("s3://my-bucket"), { bucket: "my-bucket", key: "" });
  });

  it("names the bad URI and the rule it breaks", () => {
    const cases: [string, RegExp][] = [
      ["https://b/k", /"https:\/\/b\/k" is not an S3 URI/],
      ["s3://My_Bucket/k", /invalid bucket name "My_Bucket"/],
      ["s3://bucket/a/../b", /"\.\." path segment/],
      ["s3://bucket/a//b", /empty, "\." or "\.\." path segment/],
      ["s3://bucket/a\\b", /backslash/],
    ];
    for (const [uri, message] of cases) {
      assert.throws(
        () => parseS3Uri(uri),
        (error: Error) => error instanceof InvalidS3Uri && message.test(error.message),
      );
    }
  });

  it("parseS3ObjectUri refuses a bucket or a prefix", () => {
    assert.throws(() => parseS3ObjectUri("s3://bucket/prefix/"), /names a bucket or prefix/);
    assert.throws(() => parseS3ObjectUri("s3://bucket"), InvalidS3Uri);
  });
});

describe("joinS3Uri and localPathForS3Uri", () => {
  it("joins with exactly one slash", () => {
    assert.equal(joinS3Uri("s3://b-1/results/", "id.csv"), "s3://b-1/results/id.csv");
    assert.equal(joinS3Uri("s3://b-1/results", "run", "d.csv"), "s3://b-1/results/run/d.csv");
    assert.equal(joinS3Uri("s3://b-1", "d.csv"), "s3://b-1/d.csv");
  });

  it("maps s3://<bucket>/<key> to <root>/<bucket>/<key>", () => {
    assert.equal(
      localPathForS3Uri("work/s3", "s3://bucket/a/b.csv"),
      join(resolve("work/s3"), "bucket", "a", "b.csv"),
    );
  });
});
