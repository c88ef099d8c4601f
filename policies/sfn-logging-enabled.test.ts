import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compliantDefinition } from "./fixtures/definitions";
import { sfnLoggingEnabled as policy } from "./sfn-logging-enabled";
import { check, stateMachine } from "./testing";

const LOG_GROUP = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/states/pipeline:*";

describe("sfn-logging-enabled", () => {
  it("passes a machine that logs ALL to a log group", async () => {
    assert.deepEqual(await check(policy, [stateMachine("pipeline", compliantDefinition())]), []);
  });

  it("reports a machine without logging", async () => {
    const machine = stateMachine("pipeline", compliantDefinition());
    delete machine.inputs["loggingConfiguration"];
    assert.deepEqual(await check(policy, [machine]), [
      "mandatory pipeline: loggingConfiguration is not set; log at level ERROR or above to a CloudWatch log group",
    ]);
  });

  it("reports a level below the minimum", async () => {
    const machine = stateMachine("pipeline", compliantDefinition(), {
      loggingConfiguration: { level: "OFF", logDestination: LOG_GROUP },
    });
    assert.deepEqual(await check(policy, [machine]), [
      "mandatory pipeline: loggingConfiguration.level is OFF; it must be ERROR or more verbose",
    ]);
    assert.deepEqual(
      await check(
        policy,
        [
          stateMachine("pipeline", compliantDefinition(), {
            loggingConfiguration: { level: "ERROR", logDestination: LOG_GROUP },
          }),
        ],
        { minimumLevel: "ALL" },
      ),
      ["mandatory pipeline: loggingConfiguration.level is ERROR; it must be ALL or more verbose"],
    );
  });

  it("reports a missing or malformed destination", async () => {
    assert.deepEqual(
      await check(policy, [
        stateMachine("pipeline", compliantDefinition(), { loggingConfiguration: { level: "ALL" } }),
      ]),
      [
        "mandatory pipeline: loggingConfiguration.logDestination is not set; give the ARN of a CloudWatch log group, ending in :*",
      ],
    );
    const destination = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/states/pipeline";
    assert.deepEqual(
      await check(policy, [
        stateMachine("pipeline", compliantDefinition(), {
          loggingConfiguration: { level: "ALL", logDestination: destination },
        }),
      ]),
      [
        `mandatory pipeline: loggingConfiguration.logDestination "${destination}" must be a log group ARN ending in :*`,
      ],
    );
  });

  it("requires execution data when configured", async () => {
    const machine = stateMachine("pipeline", compliantDefinition(), {
      loggingConfiguration: { level: "ALL", logDestination: LOG_GROUP },
    });
    assert.deepEqual(await check(policy, [machine], { requireExecutionData: true }), [
      "mandatory pipeline: loggingConfiguration.includeExecutionData must be true in this environment",
    ]);
  });
});
