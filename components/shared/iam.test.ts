import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AwsEnvironment } from "../asl/iam";
import {
  assumeRolePolicy,
  kmsAliasName,
  kmsUseStatements,
  listPrefixesStatement,
  objectsArn,
  objectsStatement,
  writeLogsStatement,
} from "./iam";

const env: AwsEnvironment = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
const KEY = "arn:aws:kms:eu-west-1:123456789012:key/0b1c";

describe("shared IAM builders", () => {
  it("trusts one service, on behalf of this account where the service says which account it acts for", () => {
    assert.deepEqual(assumeRolePolicy("states.amazonaws.com", "123456789012").Statement, [
      {
        Effect: "Allow",
        Principal: { Service: "states.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
    assert.deepEqual(assumeRolePolicy("lambda.amazonaws.com", "123456789012").Statement, [
      { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
  });

  it("scopes objects to a key prefix and listing to the same prefixes", () => {
    assert.equal(objectsArn(env, "data", "datasets/"), "arn:aws:s3:::data/datasets/*");
    assert.deepEqual(listPrefixesStatement("List", env, "data", ["a/", "b/"]), {
      Sid: "List",
      Effect: "Allow",
      Action: ["s3:ListBucket"],
      Resource: ["arn:aws:s3:::data"],
      Condition: { StringLike: { "s3:prefix": ["a/", "a/*", "b/", "b/*"] } },
    });
    assert.deepEqual(objectsStatement("W", "write", ["x"]).Action, [
      "s3:PutObject",
      "s3:AbortMultipartUpload",
    ]);
    assert.deepEqual(objectsStatement("R", "read", ["x"]).Action, ["s3:GetObject"]);
  });

  it("adds key permissions only with a key, and grants only for AWS resources", () => {
    assert.deepEqual(kmsUseStatements("Key", undefined), []);
    assert.deepEqual(
      kmsUseStatements("Key", KEY).map((statement) => statement.Resource),
      [[KEY]],
    );
    const [, grants] = kmsUseStatements("Key", KEY, { grants: true });
    assert.deepEqual(grants, {
      Sid: "KeyGrants",
      Effect: "Allow",
      Action: ["kms:CreateGrant"],
      Resource: [KEY],
      Condition: { Bool: { "kms:GrantIsForAWSResource": "true" } },
    });
  });

  it("writes to one log group and its streams", () => {
    assert.deepEqual(writeLogsStatement("Logs", env, "/aws/lambda/f").Resource, [
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f",
      "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/f:log-stream:*",
    ]);
  });

  it("tells an alias ARN from a key ARN", () => {
    assert.equal(
      kmsAliasName("arn:aws:kms:eu-west-1:111111111111:alias/visit-time-prod"),
      "alias/visit-time-prod",
    );
    assert.equal(kmsAliasName(KEY), undefined);
  });
});
