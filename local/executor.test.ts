import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { StateMachineDefinition } from "../components/asl/types";
import { execute } from "./executor";
import { checkFaultStates, parseFaultSpec, withFault } from "./faults";
import type { LocalEndpointRegistry } from "./endpoint-registry";
import type { LocalModelRegistry } from "./model-registry";
import { LocalNotices } from "./notices";
import type { LocalSageMakerJobs } from "./sagemaker-jobs";
import { checkTaskResources, functionNameOf, taskFunction, taskStates, type LambdaHandler } from "./tasks";

const FUNCTION = "arn:aws:lambda:us-east-1:000000000000:function:visit-time-local-status";

// A small definition in the pipeline's style: a Lambda task with Retry and Catch, a bounded Wait loop.
const DEFINITION: StateMachineDefinition = {
  StartAt: "Init",
  TimeoutSeconds: 60,
  States: {
    Init: { Type: "Pass", Result: { polls: 0 }, ResultPath: "$.counters", Next: "Check" },
    Check: {
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: { FunctionName: FUNCTION, Payload: { "executionName.$": "$$.Execution.Name" } },
      ResultSelector: { "state.$": "$.Payload.state" },
      ResultPath: "$.status",
      TimeoutSeconds: 10,
      Retry: [{ ErrorEquals: ["Lambda.TooManyRequestsException"], IntervalSeconds: 30, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "CheckFailed" }],
      Next: "Count",
    },
    Count: {
      Type: "Pass",
      Parameters: { "polls.$": "States.MathAdd($.counters.polls, 1)" },
      ResultPath: "$.counters",
      Next: "Done?",
    },
    "Done?": {
      Type: "Choice",
      Choices: [
        { Variable: "$.status.state", StringEquals: "DONE", Next: "Succeeded" },
        { Variable: "$.counters.polls", NumericGreaterThanEquals: 5, Next: "CheckFailed" },
      ],
      Default: "Wait",
    },
    Wait: { Type: "Wait", Seconds: 3600, Next: "Check" },
    Succeeded: { Type: "Succeed" },
    CheckFailed: { Type: "Fail", ErrorPath: "$.error.Error", CausePath: "$.error.Cause" },
  },
};

function services(lambda: LambdaHandler) {
  return {
    lambdas: new Map([[FUNCTION, lambda]]),
    jobs: {} as LocalSageMakerJobs,
    registry: {} as LocalEndpointRegistry,
    models: {} as LocalModelRegistry,
    notices: new LocalNotices(),
  };
}

async function run(lambda: LambdaHandler, fault?: string) {
  const tasks = taskStates(DEFINITION);
  checkTaskResources(tasks);
  const faults = fault ? [parseFaultSpec(fault)] : [];
  checkFaultStates(faults, [...tasks.keys()]);
  const handlers = Object.fromEntries(
    [...tasks].map(([name, state]) => [
      name,
      withFault(
        faults.find((spec) => spec.state === name),
        taskFunction(state.Resource, services(lambda)),
      ),
    ]),
  );
  return execute({
    definition: DEFINITION,
    stateMachineName: "test",
    executionName: "exec-1",
    input: {},
    tasks: handlers,
    waitMs: 1,
    retryMs: 1,
  });
}

describe("execute", () => {
  it("runs the Wait loop with shortened waits and the execution's context", async () => {
    let calls = 0;
    const events: unknown[] = [];
    const outcome = await run(async (event) => {
      events.push(event);
      calls += 1;
      return { state: calls < 3 ? "RUNNING" : "DONE" };
    });
    assert.equal(outcome.status, "SUCCEEDED");
    assert.deepEqual(events[0], { executionName: "exec-1" });
    const entered = outcome.events.filter(
      (event) => event.type === "StateEntered" && event.state.name === "Wait",
    );
    assert.equal(entered.length, 2);
  });

  it("retries an injected throttle and then succeeds", async () => {
    const outcome = await run(async () => ({ state: "DONE" }), "Check:Lambda.TooManyRequestsException:2");
    assert.equal(outcome.status, "SUCCEEDED");
    assert.equal(outcome.events.filter((event) => event.type === "StateRetried").length, 2);
  });

  it("ends in the Catch's Fail state with the error name once retries are exhausted", async () => {
    const outcome = await run(async () => ({ state: "DONE" }), "Check:Lambda.TooManyRequestsException:3");
    assert.equal(outcome.status, "FAILED");
    assert.equal(outcome.error, "Lambda.TooManyRequestsException");
    assert.match(outcome.cause ?? "", /Injected by --fail-state Check:Lambda.TooManyRequestsException:3/);
  });

  it("reports a handler's error with its name and Lambda's error payload as the cause", async () => {
    const outcome = await run(async () => {
      throw Object.assign(new Error("sqlUri is missing"), { name: "InvalidInput" });
    });
    assert.equal(outcome.error, "InvalidInput");
    assert.deepEqual(JSON.parse(outcome.cause ?? ""), {
      errorType: "InvalidInput",
      errorMessage: "sqlUri is missing",
    });
  });

  it("rejects faults on unknown states and malformed specs", () => {
    assert.throws(() => checkFaultStates([parseFaultSpec("Nope:X")], ["Check"]), {
      message: /"Nope", which is not a Task state of the definition. Task states: Check/,
    });
    assert.throws(() => parseFaultSpec("Check"), { message: /is not STATE:ERROR\[:N\]/ });
    assert.throws(() => parseFaultSpec("Check:X:0"), { message: /at least 1/ });
    assert.deepEqual(parseFaultSpec("Train:States.TaskFailed:9"), {
      state: "Train",
      error: "States.TaskFailed",
      attempts: 9,
    });
  });

  it("refuses resources it cannot execute and resolves function names", () => {
    assert.throws(
      () =>
        checkTaskResources(
          new Map([["Odd", { Type: "Task", Resource: "arn:aws:states:::sqs:sendMessage", End: true }]]),
        ),
      { name: "UnsupportedResource", message: /Odd \(arn:aws:states:::sqs:sendMessage\)/ },
    );
    assert.equal(functionNameOf(`${FUNCTION}:live`), "visit-time-local-status");
    assert.equal(functionNameOf("plain-name"), "plain-name");
  });
});
