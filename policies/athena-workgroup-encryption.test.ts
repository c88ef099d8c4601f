import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type * as aws from "@pulumi/aws";
import type { Unwrap } from "@pulumi/pulumi";
import { athenaWorkgroupEncryption } from "./athena-workgroup-encryption";
import { changed, check, resource } from "./testing";

type WorkgroupInputs = Unwrap<aws.athena.WorkgroupArgs>;

const compliantWorkgroup: WorkgroupInputs = {
  name: "visit-time",
  configuration: {
    enforceWorkgroupConfiguration: true,
    resultConfiguration: {
      outputLocation: "s3://visit-time-query-results/",
      encryptionConfiguration: {
        encryptionOption: "SSE_KMS",
        kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
      },
    },
  },
};
const workgroup = (inputs: WorkgroupInputs) =>
  resource("aws:athena/workgroup:Workgroup", "workgroup", inputs);

describe("athena-workgroup-encryption", () => {
  it("passes an enforced, encrypted workgroup (and the provider's default enforcement)", async () => {
    assert.deepEqual(await check(athenaWorkgroupEncryption, [workgroup(compliantWorkgroup)]), []);
    const byDefault = changed(
      compliantWorkgroup,
      (w) => void delete w.configuration!.enforceWorkgroupConfiguration,
    );
    assert.deepEqual(await check(athenaWorkgroupEncryption, [workgroup(byDefault)]), []);
  });

  it("reports an unenforced workgroup", async () => {
    const open = changed(
      compliantWorkgroup,
      (w) => void (w.configuration!.enforceWorkgroupConfiguration = false),
    );
    assert.deepEqual(await check(athenaWorkgroupEncryption, [workgroup(open)]), [
      "mandatory workgroup: configuration.enforceWorkgroupConfiguration is false; enforce it so clients cannot override encryption or output location",
    ]);
  });

  it("reports unencrypted results, a disallowed option and a KMS option without key", async () => {
    const plain = changed(
      compliantWorkgroup,
      (w) => void delete w.configuration!.resultConfiguration!.encryptionConfiguration,
    );
    assert.deepEqual(await check(athenaWorkgroupEncryption, [workgroup(plain)]), [
      "mandatory workgroup: configuration.resultConfiguration.encryptionConfiguration.encryptionOption is not set; use one of SSE_S3, SSE_KMS, CSE_KMS",
    ]);
    assert.deepEqual(
      await check(athenaWorkgroupEncryption, [workgroup(compliantWorkgroup)], {
        allowedEncryptionOptions: ["CSE_KMS"],
      }),
      [
        "mandatory workgroup: configuration.resultConfiguration.encryptionConfiguration.encryptionOption is SSE_KMS; use one of CSE_KMS",
      ],
    );
    const keyless = changed(
      compliantWorkgroup,
      (w) => void delete w.configuration!.resultConfiguration!.encryptionConfiguration!.kmsKeyArn,
    );
    assert.deepEqual(await check(athenaWorkgroupEncryption, [workgroup(keyless)]), [
      "mandatory workgroup: encryptionOption SSE_KMS needs configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn",
    ]);
  });

  it("accepts managed query results", async () => {
    const managed = changed(compliantWorkgroup, (w) => {
      delete w.configuration!.resultConfiguration;
      w.configuration!.managedQueryResultsConfiguration = { enabled: true };
    });
    assert.deepEqual(await check(athenaWorkgroupEncryption, [workgroup(managed)]), []);
  });
});
