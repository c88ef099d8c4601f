// Port-level details of the AWS implementations that the handler tests do not reach.
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { HeadObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { awsError, sha256Base64, sha256Hex } from "../testing/aws-fakes";
import { S3ObjectStore } from "./s3-object-store";
import { SageMakerEndpointRegistry } from "./sagemaker-endpoint-registry";

const s3 = mockClient(S3Client);
const sagemaker = mockClient(SageMakerClient);

describe("S3ObjectStore", () => {
  const store = new S3ObjectStore(new S3Client({ region: "eu-west-1" }));
  beforeEach(() => s3.reset());

  it("puts only if absent, with IfNoneMatch and a SHA-256 checksum", async () => {
    s3.on(PutObjectCommand)
      .resolvesOnce({})
      .rejectsOnce(awsError("PreconditionFailed", "At least one of the pre-conditions failed", 412));
    assert.equal(await store.putIfAbsent("s3://b-1/k/x.json", "{}"), "written");
    assert.equal(await store.putIfAbsent("s3://b-1/k/x.json", "{}"), "exists");
    assert.deepEqual(s3.commandCalls(PutObjectCommand)[0]?.args[0].input, {
      Bucket: "b-1",
      Key: "k/x.json",
      Body: "{}",
      IfNoneMatch: "*",
      ChecksumAlgorithm: "SHA256",
    });
  });

  it("heads an object: size, full-object SHA-256 as hex, null when absent", async () => {
    s3.on(HeadObjectCommand)
      .resolvesOnce({ ContentLength: 3, ChecksumSHA256: sha256Base64("abc"), ChecksumType: "FULL_OBJECT" })
      .rejectsOnce(awsError("NotFound", "Not Found", 404));
    assert.deepEqual(await store.head("s3://b-1/abc"), { sizeBytes: 3, sha256: sha256Hex("abc") });
    assert.equal(await store.head("s3://b-1/missing"), null);
  });

  it("refuses a URI that names no object", async () => {
    await assert.rejects(store.head("s3://b-1/prefix/"), { name: "InvalidS3Uri" });
    assert.equal(s3.calls().length, 0);
  });
});

describe("SageMakerEndpointRegistry.describeDeployedModel", () => {
  const registry = new SageMakerEndpointRegistry(new SageMakerClient({ region: "eu-west-1" }));
  beforeEach(() => sagemaker.reset());

  it("reports a deleted endpoint config as an unknown model", async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointConfigName: "c-1" });
    sagemaker
      .on(DescribeEndpointConfigCommand)
      .rejects(awsError("ValidationException", 'Could not find endpoint configuration "c-1".'));
    assert.deepEqual(await registry.describeDeployedModel("e-1"), {
      modelName: null,
      evaluationUri: null,
      modelDataUrl: null,
    });
  });

  it("reports a deleted model as a model without evaluation, and reads Containers[0] too", async () => {
    sagemaker.on(DescribeEndpointCommand).resolves({ EndpointConfigName: "c-1" });
    sagemaker
      .on(DescribeEndpointConfigCommand)
      .resolves({ ProductionVariants: [{ VariantName: "v", ModelName: "m-1" }] });
    sagemaker
      .on(DescribeModelCommand)
      .rejectsOnce(awsError("ValidationException", 'Could not find model "m-1".'))
      .resolves({
        Containers: [
          { ModelDataUrl: "s3://b-1/model.tar.gz", Environment: { EVALUATION_URI: "s3://b-1/e.json" } },
        ],
      });
    assert.deepEqual(await registry.describeDeployedModel("e-1"), {
      modelName: "m-1",
      evaluationUri: null,
      modelDataUrl: null,
    });
    assert.deepEqual(await registry.describeDeployedModel("e-1"), {
      modelName: "m-1",
      evaluationUri: "s3://b-1/e.json",
      modelDataUrl: "s3://b-1/model.tar.gz",
    });
  });
});
