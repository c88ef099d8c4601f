import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { policyDocument } from "../asl/iam";
import { identityPolicyFindings, resourcePolicyFindings } from "../../test-support/iam-checks";
import { exampleSettings } from "./example-settings";
import { EXECUTION_NAME_MAX_LENGTH, pipelineStatements } from "./definition";
import {
  failedExecutionPattern,
  notificationKeyPolicy,
  notificationTopicPolicy,
  schedulerStatements,
  startExecutionCommand,
  stateMachineConsoleUrl,
} from "./operations";
import { stateMachineRoleStatements } from "./state-machine";

const env = { partition: "aws", region: "eu-west-1", accountId: "123456789012" };
const STATE_MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:visit-time-dev-training";

describe("the state machine's role", () => {
  it("is the definition's statements, then logging and tracing, then the stack's key", () => {
    const settings = exampleSettings();
    const key = "arn:aws:kms:eu-west-1:123456789012:key/k";
    const statements = stateMachineRoleStatements(settings, key);
    const base = pipelineStatements(settings);
    assert.deepEqual(statements.slice(0, base.length), base);
    assert.deepEqual(
      statements.slice(base.length).map((statement) => statement.Sid),
      ["DeliverExecutionLogs", "SendTraces", "UseStackKeyForSageMaker", "UseStackKeyForSageMakerGrants"],
    );
    assert.equal(stateMachineRoleStatements(settings, undefined).length, base.length + 2);
  });

  it("follows the project's IAM rules (the log delivery and X-Ray exceptions are listed)", () => {
    const document = policyDocument(stateMachineRoleStatements(exampleSettings(), undefined));
    assert.deepEqual(identityPolicyFindings(document), []);
  });

  it("lets the scheduler start executions of this state machine only", () => {
    assert.deepEqual(schedulerStatements(STATE_MACHINE), [
      {
        Sid: "StartPipelineExecutions",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [STATE_MACHINE],
      },
    ]);
  });
});

describe("failure notifications", () => {
  it("match the three unsuccessful ends of this state machine's executions", () => {
    assert.deepEqual(failedExecutionPattern(STATE_MACHINE), {
      source: ["aws.states"],
      "detail-type": ["Step Functions Execution Status Change"],
      detail: { status: ["FAILED", "TIMED_OUT", "ABORTED"], stateMachineArn: [STATE_MACHINE] },
    });
  });

  it("let only the rule and this account's alarms publish; the key: those services, and roles through SNS", () => {
    const rule = "arn:aws:events:eu-west-1:123456789012:rule/r";
    const topic = notificationTopicPolicy(env, "arn:aws:sns:eu-west-1:123456789012:t", rule);
    assert.deepEqual(resourcePolicyFindings(topic), []);
    assert.deepEqual(topic.Statement[0]?.Condition, { ArnEquals: { "aws:SourceArn": rule } });
    const key = notificationKeyPolicy(env);
    assert.deepEqual(resourcePolicyFindings(key), []);
    assert.deepEqual(key.Statement[1]?.Condition, {
      StringEquals: { "kms:ViaService": "sns.eu-west-1.amazonaws.com" },
    });
    assert.deepEqual(key.Statement[2]?.Condition, { StringEquals: { "aws:SourceAccount": "123456789012" } });
  });
});

describe("what the stack prints", () => {
  it("a console link and a start-execution command whose name fits the 52-character limit", () => {
    assert.equal(
      stateMachineConsoleUrl("eu-west-1", STATE_MACHINE),
      `https://eu-west-1.console.aws.amazon.com/states/home?region=eu-west-1#/statemachines/view/${STATE_MACHINE}`,
    );
    const command = startExecutionCommand("eu-west-1", STATE_MACHINE);
    assert.match(
      command,
      /^aws stepfunctions start-execution --region eu-west-1 --state-machine-arn \S+ --name /,
    );
    assert.match(command, /--input '\{"ForceDeploy":false\}'$/);
    // manual-YYYYMMDDTHHMMSSZ: 23 characters, no underscore.
    assert.equal("manual-20261126T131700Z".length <= EXECUTION_NAME_MAX_LENGTH, true);
  });
});
