import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StateMachineDefinition } from "../components/asl/types";
import { progressEventsOfHistory } from "./history-events";
import { ProgressView } from "./progress-view";
import { ExecutionModel } from "./state-records";
import { ABORTED, CAUGHT_FAILURE, REGION, RETRIED, ROLLED_BACK, SUCCEEDED } from "./testing/histories";
import type { HistoryEvent } from "@aws-sdk/client-sfn";

const RETRY_DEFINITION = {
  StartAt: "StartQuery",
  States: {
    StartQuery: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Retry: [{ ErrorEquals: ["Lambda.TooManyRequestsException"], MaxAttempts: 4 }],
      End: true,
    },
  },
} as unknown as StateMachineDefinition;

/** The records and the rendered lines of a history. */
function replay(events: HistoryEvent[], definition?: StateMachineDefinition) {
  const lines: string[] = [];
  const view = new ProgressView((line) => lines.push(line));
  const model = new ExecutionModel();
  for (const event of progressEventsOfHistory(events, {
    region: REGION,
    ...(definition ? { definition } : {}),
  })) {
    view.render(event, model.add(event));
  }
  return { records: model.records, lines };
}

describe("Step Functions history → progress", () => {
  it("a successful run: every state once, with its duration", () => {
    const { records, lines } = replay(SUCCEEDED);
    assert.deepEqual(
      records.map((record) => [record.name, record.type, record.status, record.durationMs]),
      [
        ["ApplyDefaults", "Pass", "SUCCEEDED", 1000],
        ["StartQuery", "Task", "SUCCEEDED", 4000],
        ["WaitForQuery", "Wait", "SUCCEEDED", 1000],
        ["Train", "Task", "SUCCEEDED", 5000],
        ["DeployApproved", "Choice", "SUCCEEDED", 1000],
        ["ModelKept", "Succeed", "SUCCEEDED", 1000],
      ],
    );
    assert.equal(lines[0], "▶ execution started");
    assert.ok(lines.includes("  → Train (Task)"));
    assert.equal(lines.at(-1), "■ execution succeeded");
  });

  it("a caught failure: the Catch's target, the job's logs and the Fail state's cause", () => {
    const { records, lines } = replay(CAUGHT_FAILURE);
    const train = records.find((record) => record.name === "Train");
    assert.equal(train?.status, "CAUGHT");
    assert.equal(train?.error, "States.TaskFailed");
    assert.equal(train?.caughtBy, "TrainingFailed");
    assert.equal(train?.durationMs, 5000);
    assert.equal(
      train?.logsUrl,
      `https://${REGION}.console.aws.amazon.com/cloudwatch/home?region=${REGION}#logsV2:log-groups/log-group/` +
        "$252Faws$252Fsagemaker$252FTrainingJobs$3FlogStreamNameFilter$3Drun-1-train$252F",
    );
    assert.match(
      lines.join("\n"),
      /✖ Train\s+5\.0 s {2}failed with States\.TaskFailed; caught → TrainingFailed/,
    );
    assert.ok(lines.some((line) => line.startsWith("      logs: https://")));
    assert.ok(
      lines.includes(
        "  ✖ TrainingFailed: States.TaskFailed: AlgorithmError: zero usable examples in /opt/ml/input/data/training",
      ),
    );
    assert.equal(lines.at(-1), "■ execution failed: States.TaskFailed");
    assert.equal(records.at(-1)?.name, "TrainingFailed");
    assert.equal(records.at(-1)?.status, "FAILED");
  });

  it("a retry: one record per attempt, and 'retry n of N' from the definition", () => {
    const { records, lines } = replay(RETRIED, RETRY_DEFINITION);
    assert.deepEqual(
      records
        .filter((record) => record.name === "StartQuery")
        .map((record) => [record.status, record.durationMs]),
      [
        ["RETRIED", 3000],
        ["SUCCEEDED", 3000],
      ],
    );
    assert.ok(lines.includes("  ↻ StartQuery failed with Lambda.TooManyRequestsException; retry 1 of 4"));
    assert.equal(
      replay(RETRIED).lines.includes("  ↻ StartQuery failed with Lambda.TooManyRequestsException; retry 1"),
      true,
    );
  });

  it("an aborted run: the running state ends ABORTED", () => {
    const { records, lines } = replay(ABORTED);
    assert.deepEqual(
      records.map((record) => [record.name, record.status, record.durationMs]),
      [["Train", "ABORTED", 4000]],
    );
    assert.equal(lines.at(-1), "■ execution aborted");
  });

  it("a rolled-back endpoint update fails in DeploymentFailed with the rollback's cause", () => {
    const { records, lines } = replay(ROLLED_BACK);
    assert.deepEqual(
      records.map((record) => record.name),
      ["EndpointStatus", "EndpointInService", "DescribeEndpointRollback", "DeploymentFailed"],
    );
    assert.equal(records.at(-1)?.error, "EndpointUpdateRolledBack");
    assert.match(
      lines.join("\n"),
      /✖ DeploymentFailed: EndpointUpdateRolledBack: Endpoint visit-time-dev is InService with run-0-config/,
    );
  });
});
