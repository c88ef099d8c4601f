import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeEach, describe, it } from "node:test";
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  DescribeModelPackageCommand,
  ListModelPackagesCommand,
  ListTagsCommand,
  SageMakerClient,
  UpdateEndpointCommand,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import { mockClient } from "aws-sdk-client-mock";
import { main } from "./cli";
import { promotionName } from "./model-deploy";
import { STATE_MACHINE_ARN } from "./testing/histories";
import { tempDir } from "../test-support/temp-dir";

const sagemaker = mockClient(SageMakerClient);
const GROUP_ARN = "arn:aws:sagemaker:eu-west-1:123456789012:model-package/visit-time-dev";
const STACK_TAGS = [{ Key: "visit-time-pipeline:stack", Value: "visit-time-dev" }];
const url = (run: string) => `s3://artifacts/runs/${run}/model/${run}-train/output/model.tar.gz`;

/** Versions 1..3 of the group: run-1 Approved, run-2 Rejected, run-3 Approved (serving). */
const PACKAGES = [
  { version: 1, run: "run-1", status: "Approved" },
  { version: 2, run: "run-2", status: "Rejected" },
  { version: 3, run: "run-3", status: "Approved" },
] as const;

function registry(servingRun: string): void {
  sagemaker.on(ListModelPackagesCommand).resolves({
    ModelPackageSummaryList: PACKAGES.map((pkg) => ({
      ModelPackageArn: `${GROUP_ARN}/${pkg.version}`,
      CreationTime: new Date(),
      ModelPackageStatus: "Completed",
    })),
  });
  for (const pkg of PACKAGES) {
    sagemaker.on(DescribeModelPackageCommand, { ModelPackageName: `${GROUP_ARN}/${pkg.version}` }).resolves({
      ModelPackageArn: `${GROUP_ARN}/${pkg.version}`,
      ModelPackageVersion: pkg.version,
      ModelApprovalStatus: pkg.status,
      InferenceSpecification: {
        Containers: [
          { Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/visit-time:1", ModelDataUrl: url(pkg.run) },
        ],
        SupportedContentTypes: ["application/json"],
        SupportedResponseMIMETypes: ["application/json"],
      },
      ModelMetrics: {
        ModelQuality: {
          Statistics: {
            ContentType: "application/json",
            S3Uri: `s3://artifacts/runs/${pkg.run}/evaluation/evaluation.json`,
          },
        },
      },
      CustomerMetadataProperties: { executionName: pkg.run },
    });
  }
  sagemaker
    .on(DescribeEndpointCommand)
    .resolvesOnce({ EndpointConfigName: `${servingRun}-config`, EndpointStatus: "InService" });
  sagemaker.on(DescribeEndpointConfigCommand).resolves({
    EndpointConfigName: `${servingRun}-config`,
    ProductionVariants: [
      {
        VariantName: "AllTraffic",
        ModelName: `${servingRun}-model`,
        InstanceType: "ml.m5.large",
        InitialInstanceCount: 1,
        InitialVariantWeight: 1,
      },
    ],
    DataCaptureConfig: {
      InitialSamplingPercentage: 10,
      DestinationS3Uri: "s3://capture/",
      CaptureOptions: [{ CaptureMode: "Input" }],
    },
    KmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
  });
  sagemaker.on(DescribeModelCommand).resolves({
    ModelName: `${servingRun}-model`,
    ModelArn: `arn:aws:sagemaker:eu-west-1:123456789012:model/${servingRun}-model`,
    ExecutionRoleArn: "arn:aws:iam::123456789012:role/visit-time-sagemaker",
    PrimaryContainer: { ModelDataUrl: url(servingRun) },
  });
  sagemaker
    .on(ListTagsCommand, {
      ResourceArn: `arn:aws:sagemaker:eu-west-1:123456789012:model/${servingRun}-model`,
    })
    .resolves({ Tags: STACK_TAGS });
}

async function execution(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const dir = tempDir("stack-outputs-");
  writeFileSync(
    join(dir, "dev.json"),
    JSON.stringify({ stateMachineArn: STATE_MACHINE_ARN, endpointName: "visit-time-dev" }),
  );
  const code = await main([...argv, "--stack", "dev", "--outputs-dir", dir, "--poll-ms", "5"], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    sleep: async () => undefined,
    now: () => new Date("2026-11-28T12:00:00Z"),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run execution -- promote|rollback (SageMaker API)", () => {
  beforeEach(() => sagemaker.reset());

  it("promotes a rejected run's package: new model and config from the current ones, then Approved", async () => {
    registry("run-3");
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce({ EndpointConfigName: "run-3-config", EndpointStatus: "InService" })
      .resolvesOnce({ EndpointConfigName: "run-3-config", EndpointStatus: "Updating" })
      .resolves({ EndpointConfigName: "run-2-p20261128120000-config", EndpointStatus: "InService" });
    const result = await execution("promote", "run-2", "--reason", "run-3 drifts on weekends");
    assert.equal(result.code, 0, result.err);
    assert.deepEqual(sagemaker.commandCalls(CreateModelCommand)[0]?.args[0].input, {
      ModelName: "run-2-p20261128120000-model",
      ExecutionRoleArn: "arn:aws:iam::123456789012:role/visit-time-sagemaker",
      Tags: STACK_TAGS,
      PrimaryContainer: {
        Image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/visit-time:1",
        ModelDataUrl: url("run-2"),
        Environment: {
          EVALUATION_URI: "s3://artifacts/runs/run-2/evaluation/evaluation.json",
          MODEL_VERSION: "run-2",
        },
      },
    });
    const config = sagemaker.commandCalls(CreateEndpointConfigCommand)[0]?.args[0].input;
    assert.equal(config?.EndpointConfigName, "run-2-p20261128120000-config");
    assert.deepEqual(config?.Tags, STACK_TAGS, "the stack's tags, so that the pipeline may replace it");
    assert.deepEqual(config?.ProductionVariants, [
      {
        VariantName: "AllTraffic",
        ModelName: "run-2-p20261128120000-model",
        InstanceType: "ml.m5.large",
        InitialInstanceCount: 1,
        InitialVariantWeight: 1,
      },
    ]);
    assert.equal(config?.KmsKeyId, "arn:aws:kms:eu-west-1:123456789012:key/k");
    assert.equal(config?.DataCaptureConfig?.DestinationS3Uri, "s3://capture/");
    assert.deepEqual(sagemaker.commandCalls(UpdateEndpointCommand)[0]?.args[0].input, {
      EndpointName: "visit-time-dev",
      EndpointConfigName: "run-2-p20261128120000-config",
    });
    assert.deepEqual(sagemaker.commandCalls(UpdateModelPackageCommand)[0]?.args[0].input, {
      ModelPackageArn: `${GROUP_ARN}/2`,
      ModelApprovalStatus: "Approved",
      ApprovalDescription: "promoted by hand: run-3 drifts on weekends",
    });
    assert.match(result.out, /endpoint Updating \(check 1 of 60\)/);
    assert.match(
      result.out,
      /Endpoint visit-time-dev serves run-2-p20261128120000-model; model package .*\/2 Approved/,
    );
  });

  it("rolls back to the newest Approved package older than the served one, skipping Rejected ones", async () => {
    registry("run-3");
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce({ EndpointConfigName: "run-3-config", EndpointStatus: "InService" })
      .resolvesOnce({ EndpointConfigName: "run-3-config", EndpointStatus: "InService" })
      .resolves({ EndpointConfigName: "run-1-p20261128120000-config", EndpointStatus: "InService" });
    const result = await execution("rollback", "--reason", "bad predictions");
    assert.equal(result.code, 0, result.err);
    assert.equal(
      sagemaker.commandCalls(CreateModelCommand)[0]?.args[0].input.PrimaryContainer?.ModelDataUrl,
      url("run-1"),
    );
    assert.deepEqual(sagemaker.commandCalls(UpdateModelPackageCommand)[0]?.args[0].input, {
      ModelPackageArn: `${GROUP_ARN}/1`,
      ModelApprovalStatus: "Approved",
      ApprovalDescription: "deployed again by a rollback from run-3: bad predictions",
    });
  });

  it("names an unknown run, needs a reason, and does nothing for the model already served", async () => {
    registry("run-3");
    const unknown = await execution("promote", "run-9", "--reason", "x");
    assert.equal(unknown.code, 2);
    assert.match(
      unknown.err,
      /No model package of run "run-9" in group visit-time-dev\. Runs with a package: run-1, run-2, run-3\./,
    );
    const noReason = await execution("promote", "run-2");
    assert.match(noReason.err, /promote needs --reason <text>/);
    const same = await execution("promote", "run-3", "--reason", "x");
    assert.equal(same.code, 0);
    assert.match(same.out, /already serves the model of run-3/);
    assert.equal(sagemaker.commandCalls(CreateModelCommand).length, 0);
    assert.equal(sagemaker.commandCalls(UpdateModelPackageCommand).length, 0);
  });

  it("refuses to approve a model the endpoint rolled back from", async () => {
    registry("run-3");
    sagemaker
      .on(DescribeEndpointCommand)
      .resolvesOnce({ EndpointConfigName: "run-3-config", EndpointStatus: "InService" })
      .resolves({
        EndpointConfigName: "run-3-config",
        EndpointStatus: "InService",
        FailureReason: "health check failed",
      });
    const result = await execution("promote", "run-1", "--reason", "x");
    assert.equal(result.code, 2);
    assert.match(
      result.err,
      /InService with run-3-config instead of run-1-p20261128120000-config: the update was rolled back \(health check failed\)/,
    );
    assert.equal(sagemaker.commandCalls(UpdateModelPackageCommand).length, 0);
  });

  it("names promotions uniquely within SageMaker's 63 characters", () => {
    assert.equal(promotionName("run-2", new Date("2026-11-28T12:00:00Z")), "run-2-p20261128120000");
    const long = promotionName("r".repeat(52), new Date("2026-11-28T12:00:00Z"));
    assert.equal(`${long}-config`.length, 63);
  });
});
