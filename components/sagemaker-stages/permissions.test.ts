import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { policyDocument } from "../asl/iam";
import { identityPolicyFindings } from "../../test-support/iam-checks";
import {
  championModelStatements,
  repositoryLifecyclePolicy,
  type SageMakerRoleReferences,
  sageMakerRoleStatements,
} from "./permissions";

const refs: SageMakerRoleReferences = {
  aws: { partition: "aws", region: "eu-west-1", accountId: "123456789012" },
  dataBucket: "data-bucket",
  artifactBucket: "artifact-bucket",
  repositoryArn: "arn:aws:ecr:eu-west-1:123456789012:repository/visit-time-dev-training",
  dataCapture: false,
};

const sids = (statements: { Sid: string }[]) => statements.map((statement) => statement.Sid);

describe("champion-model handler", () => {
  it("only follows the one endpoint to its served model", () => {
    const statements = championModelStatements(refs.aws, "Visit-Time-Dev");
    assert.deepEqual(statements, [
      {
        Sid: "DescribeTheEndpoint",
        Effect: "Allow",
        Action: ["sagemaker:DescribeEndpoint"],
        Resource: ["arn:aws:sagemaker:eu-west-1:123456789012:endpoint/visit-time-dev"],
      },
      {
        Sid: "DescribeServedModel",
        Effect: "Allow",
        Action: ["sagemaker:DescribeEndpointConfig", "sagemaker:DescribeModel"],
        Resource: [
          "arn:aws:sagemaker:eu-west-1:123456789012:endpoint-config/*",
          "arn:aws:sagemaker:eu-west-1:123456789012:model/*",
        ],
      },
    ]);
    assert.deepEqual(identityPolicyFindings(policyDocument(statements)), []);
  });
});

describe("SageMaker execution role", () => {
  it("reads snapshots, reads and writes run artifacts, pulls the one repository, writes SageMaker logs", () => {
    const statements = sageMakerRoleStatements(refs);
    assert.deepEqual(sids(statements), [
      "ReadDatasetSnapshots",
      "ListDatasetSnapshots",
      "ReadWriteRunArtifacts",
      "ListRunArtifacts",
      "PullTrainingImage",
      "GetRegistryToken",
      "WriteJobAndEndpointLogs",
      "PublishSageMakerMetrics",
    ]);
    const byId = Object.fromEntries(statements.map((statement) => [statement.Sid, statement]));
    assert.deepEqual(byId.ReadDatasetSnapshots?.Resource, ["arn:aws:s3:::data-bucket/datasets/*"]);
    assert.deepEqual(byId.ReadWriteRunArtifacts?.Resource, ["arn:aws:s3:::artifact-bucket/runs/*"]);
    assert.deepEqual(byId.PullTrainingImage?.Resource, [refs.repositoryArn]);
    assert.deepEqual(byId.PublishSageMakerMetrics?.Condition, {
      StringLike: { "cloudwatch:namespace": ["/aws/sagemaker/*", "aws/sagemaker/*"] },
    });
  });

  it("writes data capture and uses the stack's key only when configured", () => {
    const statements = sageMakerRoleStatements({
      ...refs,
      dataCapture: true,
      kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
    });
    const capture = statements.find((statement) => statement.Sid === "WriteDataCapture");
    assert.deepEqual(capture?.Resource, ["arn:aws:s3:::artifact-bucket/data-capture/*"]);
    assert.deepEqual(
      statements
        .filter((statement) => statement.Sid.startsWith("UseStackKey"))
        .map((statement) => statement.Sid),
      ["UseStackKey", "UseStackKeyGrants"],
    );
  });

  it("follows the project's IAM rules, with no managed *FullAccess policy", () => {
    const document = policyDocument(
      sageMakerRoleStatements({
        ...refs,
        dataCapture: true,
        kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
      }),
    );
    assert.deepEqual(identityPolicyFindings(document), []);
    assert.doesNotMatch(JSON.stringify(document), /FullAccess/);
  });

  it("keeps a bounded number of images", () => {
    assert.deepEqual(repositoryLifecyclePolicy(20).rules[0]?.selection, {
      tagStatus: "any",
      countType: "imageCountMoreThan",
      countNumber: 20,
    });
  });
});
