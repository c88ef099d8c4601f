// The three bucket policies share one typed compliant stack: a bucket with its encryption
// configuration, public access block and TLS-only policy, linked as the program links them.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import type { CheckedResource } from "./check/evaluate";
import { schemaDefaults } from "./check/policy-config";
import { s3BucketEncryption } from "./s3-bucket-encryption";
import { s3BucketPublicAccessBlock } from "./s3-bucket-public-access-block";
import { s3BucketTlsOnly } from "./s3-bucket-tls-only";
import { changed, check, resource, urnOf } from "./testing";

const BUCKET = "aws:s3/bucket:Bucket";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const POLICY = "aws:s3/bucketPolicy:BucketPolicy";

const bucketInputs: Unwrap<aws.s3.BucketArgs> = { bucket: "visit-time-artifacts", forceDestroy: false };
const encryptionInputs: Unwrap<aws.s3.BucketServerSideEncryptionConfigurationArgs> = {
  bucket: "visit-time-artifacts",
  rules: [
    {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "alias/visit-time" },
      bucketKeyEnabled: true,
    },
  ],
};
const accessBlockInputs: Unwrap<aws.s3.BucketPublicAccessBlockArgs> = {
  bucket: "visit-time-artifacts",
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
};
const tlsOnly = {
  Version: "2012-10-17",
  Statement: [
    {
      Sid: "DenyInsecureTransport",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:*",
      Resource: ["arn:aws:s3:::visit-time-artifacts", "arn:aws:s3:::visit-time-artifacts/*"],
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    },
  ],
};
const policyInputs: Unwrap<aws.s3.BucketPolicyArgs> = {
  bucket: "visit-time-artifacts",
  policy: JSON.stringify(tlsOnly),
};

/** The compliant stack; `edit` changes the inputs of one of its resources by name. */
function stack(
  edit: (inputs: Record<string, Record<string, unknown>>) => void = () => undefined,
): CheckedResource[] {
  const inputs = changed(
    {
      bucket: bucketInputs,
      encryption: encryptionInputs,
      accessBlock: accessBlockInputs,
      policy: policyInputs,
    } as Record<string, Record<string, unknown>>,
    edit,
  );
  const types: Record<string, string> = {
    bucket: BUCKET,
    encryption: ENCRYPTION,
    accessBlock: ACCESS_BLOCK,
    policy: POLICY,
  };
  return Object.entries(inputs).map(([name, value]) => resource(types[name] ?? "", name, value));
}

describe("s3 bucket policies", () => {
  it("pass the compliant stack", async () => {
    for (const policy of [s3BucketEncryption, s3BucketPublicAccessBlock, s3BucketTlsOnly]) {
      assert.deepEqual(await check(policy, stack()), [], policy.name);
    }
  });

  it("link by property dependency when names are unknown (preview)", async () => {
    const resources = stack((r) => {
      for (const name of ["encryption", "accessBlock", "policy"])
        r[name]!["bucket"] = "unknown-during-preview";
    }).map((r) =>
      r.name === "bucket" ? r : { ...r, propertyDependencies: { bucket: [urnOf(BUCKET, "bucket")] } },
    );
    for (const policy of [s3BucketEncryption, s3BucketPublicAccessBlock, s3BucketTlsOnly]) {
      assert.deepEqual(await check(policy, resources), [], policy.name);
    }
  });

  it("s3-bucket-encryption reports a bucket without encryption and a disallowed algorithm", async () => {
    const unlinked = stack((r) => {
      r["encryption"]!["bucket"] = "another-bucket";
    });
    assert.deepEqual(await check(s3BucketEncryption, unlinked), [
      "mandatory bucket: the bucket has no server-side encryption configuration; add an aws.s3.BucketServerSideEncryptionConfiguration for it",
    ]);
    assert.deepEqual(await check(s3BucketEncryption, stack(), { allowedAlgorithms: ["aws:kms:dsse"] }), [
      "mandatory encryption: the encryption rule uses aws:kms; use one of aws:kms:dsse (sseAlgorithm)",
    ]);
  });

  it("s3-bucket-encryption accepts the deprecated inline configuration", async () => {
    const inline = stack((r) => {
      r["encryption"]!["bucket"] = "another-bucket";
      r["bucket"]!["serverSideEncryptionConfiguration"] = {
        rule: {},
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      };
    });
    assert.deepEqual(await check(s3BucketEncryption, inline), []);
  });

  it("s3-bucket-public-access-block reports a missing block, a setting off and a public ACL", async () => {
    assert.deepEqual(
      await check(
        s3BucketPublicAccessBlock,
        stack((r) => void (r["accessBlock"]!["bucket"] = "x")),
      ),
      [
        "mandatory bucket: the bucket has no public access block; add an aws.s3.BucketPublicAccessBlock with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets true",
      ],
    );
    assert.deepEqual(
      await check(
        s3BucketPublicAccessBlock,
        stack((r) => void (r["accessBlock"]!["restrictPublicBuckets"] = false)),
      ),
      ["mandatory accessBlock: the public access block leaves restrictPublicBuckets off; set them to true"],
    );
    assert.deepEqual(
      await check(
        s3BucketPublicAccessBlock,
        stack((r) => void (r["bucket"]!["acl"] = "public-read")),
      ),
      ['mandatory bucket: the canned ACL "public-read" makes the bucket public; use "private" or no ACL'],
    );
  });

  it("s3-bucket-tls-only reports a bucket whose policy allows plain HTTP", async () => {
    const expected = [
      'mandatory bucket: the bucket\'s policy does not deny requests without TLS; add an aws.s3.BucketPolicy statement {Effect: "Deny", ' +
        'Principal: "*", Action: "s3:*", Resource: [bucket, bucket/*], Condition: {Bool: {"aws:SecureTransport": "false"}}}',
    ];
    assert.deepEqual(
      await check(
        s3BucketTlsOnly,
        stack((r) => void (r["policy"]!["bucket"] = "x")),
      ),
      expected,
    );
    const weak = changed(tlsOnly, (p) => {
      p.Statement[0]!.Condition.Bool["aws:SecureTransport"] = "true";
    });
    assert.deepEqual(
      await check(
        s3BucketTlsOnly,
        stack((r) => void (r["policy"]!["policy"] = JSON.stringify(weak))),
      ),
      expected,
    );
    const narrow = changed(tlsOnly, (p) => {
      p.Statement[0]!.Action = "s3:GetObject";
    });
    assert.deepEqual(
      await check(
        s3BucketTlsOnly,
        stack((r) => void (r["policy"]!["policy"] = narrow)),
      ),
      expected,
    );
  });
});

describe("s3 bucket policies during preview", () => {
  /** The policy server's error for a value unknown during preview (recognized by its class name). */
  class UnknownValueError extends Error {}

  /** A resource as the policy server passes it in preview: reading an `unknown` key throws. */
  function previewResource(
    type: string,
    name: string,
    props: Record<string, unknown>,
    unknown: string[],
    propertyDependencies: Record<string, PolicyResource[]> = {},
  ): PolicyResource {
    const proxied = new Proxy(props, {
      get: (target, key) => {
        if (typeof key === "string" && unknown.includes(key)) {
          throw new UnknownValueError(`string value at .${key} can't be known during preview`);
        }
        return Reflect.get(target, key);
      },
    });
    return {
      type,
      name,
      urn: urnOf(type, name),
      props: proxied,
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
      },
      dependencies: [],
      propertyDependencies,
      isType: () => false,
      asType: () => undefined,
    };
  }

  async function validate(policy: StackValidationPolicy, resources: PolicyResource[]): Promise<unknown[]> {
    const reports: unknown[] = [];
    const report = (message: unknown, urn?: string) =>
      reports.push(typeof message === "string" ? { message, urn } : message);
    await policy.validateStack(
      {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => schemaDefaults(policy.configSchema) as T,
        notApplicable: () => {
          throw new Error("not applicable");
        },
      },
      report,
    );
    return reports;
  }

  it("links through property dependencies while names are unknown", async () => {
    const bucket = previewResource(BUCKET, "bucket", {}, ["bucket", "id"]);
    const encryption = previewResource(
      ENCRYPTION,
      "encryption",
      { rules: encryptionInputs.rules },
      ["bucket"],
      { bucket: [bucket] },
    );
    assert.deepEqual(await validate(s3BucketEncryption, [bucket, encryption]), []);
  });

  it("makes a bucket whose settings are unknown an advisory, not a failure of the whole policy", async () => {
    const bucket = previewResource(BUCKET, "bucket", {}, ["bucket", "id"]);
    const encryption = previewResource(ENCRYPTION, "encryption", {}, ["bucket", "rules"], {
      bucket: [bucket],
    });
    assert.deepEqual(await validate(s3BucketEncryption, [bucket, encryption]), [
      {
        message:
          "the bucket cannot be checked during preview (string value at .rules can't be known during preview); it is checked at `pulumi up`",
        enforcementLevel: "advisory",
        urn: urnOf(BUCKET, "bucket"),
      },
    ]);
  });
});
