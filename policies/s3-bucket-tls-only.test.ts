import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { stack, tlsOnly, itPassesTheCompliantStack } from "./fixtures/buckets";
import { s3BucketTlsOnly as policy } from "./s3-bucket-tls-only";
import { changed, check } from "./testing";

describe("s3-bucket-tls-only", () => {
  itPassesTheCompliantStack(policy);

  it("reports a bucket whose policy allows plain HTTP", async () => {
    const expected = [
      'mandatory bucket: the bucket\'s policy does not deny requests without TLS; add an aws.s3.BucketPolicy statement {Effect: "Deny", ' +
        'Principal: "*", Action: "s3:*", Resource: [bucket, bucket/*], Condition: {Bool: {"aws:SecureTransport": "false"}}}',
    ];
    assert.deepEqual(
      await check(
        policy,
        stack((r) => void (r["policy"]!["bucket"] = "x")),
      ),
      expected,
    );
    const weak = changed(tlsOnly, (p) => {
      p.Statement[0]!.Condition.Bool["aws:SecureTransport"] = "true";
    });
    assert.deepEqual(
      await check(
        policy,
        stack((r) => void (r["policy"]!["policy"] = JSON.stringify(weak))),
      ),
      expected,
    );
    const narrow = changed(tlsOnly, (p) => {
      p.Statement[0]!.Action = "s3:GetObject";
    });
    assert.deepEqual(
      await check(
        policy,
        stack((r) => void (r["policy"]!["policy"] = narrow)),
      ),
      expected,
    );
  });
});
