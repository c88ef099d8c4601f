// Complete, valid settings with made-up ARNs: the base of the definition's tests and of the checks that
// change one key at a time.
import { handlerArns } from "../../contracts/handlers";
import type { PipelineSettings } from "../settings";

export function exampleSettings(): PipelineSettings {
  const account = "123456789012";
  const region = "eu-west-1";
  const job = (instanceType: string, maxRuntimeSeconds: number) => ({
    instanceType,
    instanceCount: 1,
    volumeSizeGb: 30,
    maxRuntimeSeconds,
  });
  return {
    aws: { partition: "aws", region, accountId: account },
    timeoutSeconds: 4 * 3600,
    lambdas: handlerArns((name) => `arn:aws:lambda:${region}:${account}:function:visit-time-${name}`),
    storage: {
      dataBucket: "visit-time-data-example",
      artifactBucket: "visit-time-artifacts-example",
      sqlUri: "s3://visit-time-artifacts-example/sql/training-data.sql",
    },
    query: { pollIntervalSeconds: 5, maxPolls: 60 },
    dataQuality: { maxInvalidHitShare: 0.05 },
    sagemaker: {
      roleArn: `arn:aws:iam::${account}:role/visit-time-sagemaker`,
      imageUri: `${account}.dkr.ecr.${region}.amazonaws.com/visit-time-training:1.0.0`,
      preprocessing: job("ml.m5.large", 1800),
      training: job("ml.c5.xlarge", 3600),
      evaluation: job("ml.m5.large", 1800),
      hyperparameters: { epochs: "30", "sequence-length": "14" },
      metricDefinitions: [{ Name: "validation:mae", Regex: "val_mae=([0-9.]+)" }],
    },
    gate: { maxMae: 2, minImprovementOverBaseline: 0.05, maxRegressionHours: 0 },
    endpoint: {
      name: "visit-time-example",
      variant: { kind: "instance", instanceType: "ml.t2.medium", initialInstanceCount: 1 },
      wait: { pollIntervalSeconds: 30, maxPolls: 60 },
    },
    notifications: { topicArn: `arn:aws:sns:${region}:${account}:visit-time-notifications` },
    tags: { project: "visit-time-pipeline", "visit-time-pipeline:stack": "visit-time-example" },
  };
}
