import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { policyDocument } from "../asl/iam";
import { identityPolicyFindings } from "../../test-support/iam-checks";
import { validateModelEndpointArgs } from "./model-endpoint";
import {
  type DeploymentReferences,
  endpointAlarmSpecs,
  endpointStatusStatements,
  qualityGateStatements,
} from "./permissions";
import { endpointArn } from "../shared/iam";

const refs: DeploymentReferences = {
  aws: { partition: "aws", region: "eu-west-1", accountId: "123456789012" },
  endpointName: "Visit-Time-Prod",
  artifactBucket: "artifact-bucket",
};

describe("deployment handler permissions", () => {
  it("name the endpoint in lower case, as SageMaker ARNs do", () => {
    assert.equal(
      endpointArn(refs.aws, refs.endpointName),
      "arn:aws:sagemaker:eu-west-1:123456789012:endpoint/visit-time-prod",
    );
  });

  it("let endpoint-status only describe the endpoint", () => {
    assert.deepEqual(endpointStatusStatements(refs), [
      {
        Sid: "DescribeTheEndpoint",
        Effect: "Allow",
        Action: ["sagemaker:DescribeEndpoint"],
        Resource: ["arn:aws:sagemaker:eu-west-1:123456789012:endpoint/visit-time-prod"],
      },
    ]);
  });

  it("let the quality gate read evaluations and follow the endpoint to its model, read-only", () => {
    const statements = qualityGateStatements(refs);
    const actions = statements.flatMap((statement) => statement.Action);
    assert.deepEqual(
      actions.filter((action) => !/^(s3:(Get|List)|sagemaker:Describe)/.test(action)),
      [],
    );
    assert.deepEqual(identityPolicyFindings(policyDocument(statements)), []);
  });
});

describe("endpoint alarms", () => {
  it("compare p99 latency in microseconds and count 5XX errors per 5 minutes", () => {
    const [latency, errors] = endpointAlarmSpecs({ modelLatencyP99Ms: 500, invocation5xxErrors: 5 });
    assert.deepEqual(
      [latency?.metricName, latency?.extendedStatistic, latency?.threshold, latency?.comparisonOperator],
      ["ModelLatency", "p99", 500_000, "GreaterThanThreshold"],
    );
    assert.deepEqual(
      [errors?.metricName, errors?.statistic, errors?.threshold, errors?.periodSeconds],
      ["Invocation5XXErrors", "Sum", 5, 300],
    );
  });

  it("need a topic to notify", () => {
    assert.throws(
      () => validateModelEndpointArgs({ alarms: { modelLatencyP99Ms: 1, invocation5xxErrors: 1 } }),
      /\[endpoint\.alarms\] need a notification topic/,
    );
    validateModelEndpointArgs({});
  });
});
