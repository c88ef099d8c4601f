import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { branchOf, compliantDefinition, processorOf, stateOf } from "./fixtures/definitions";
import { sfnRetryTransientErrors as policy } from "./sfn-retry-transient-errors";
import { changed, check, stateMachine, stateMachineWithRawDefinition } from "./testing";

const noRetry = (state: string) =>
  `mandatory pipeline: ${state} has no Retry for a transient error (any of transientErrors in the policy config, ` +
  "e.g. ThrottlingException, TooManyRequestsException, ServiceUnavailable); add a Retry with backoff";

describe("sfn-retry-transient-errors", () => {
  it("passes the compliant definition", async () => {
    assert.deepEqual(await check(policy, [stateMachine("pipeline", compliantDefinition())]), []);
  });

  it("reports a SageMaker Task without Retry", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      delete stateOf(d, "Preprocess", "Task").Retry;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      noRetry('Task "Preprocess"'),
    ]);
  });

  it("does not count a Retry with MaxAttempts 0", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Train", "Task").Retry = [{ ErrorEquals: ["ThrottlingException"], MaxAttempts: 0 }];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [noRetry('Task "Train"')]);
  });

  it("reports a Lambda Task that retries only some Lambda service errors", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "StartQuery", "Task").Retry = [
        { ErrorEquals: ["Lambda.ServiceException", "ThrottlingException"], MaxAttempts: 3 },
      ];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      'mandatory pipeline: Task "StartQuery" calls Lambda but does not retry Lambda.AWSLambdaException, Lambda.SdkClientException, ' +
        "Lambda.TooManyRequestsException; retry the Lambda service errors with backoff",
    ]);
  });

  it("accepts States.ALL for every requirement", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "StartQuery", "Task").Retry = [{ ErrorEquals: ["States.ALL"], MaxAttempts: 2 }];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), []);
  });

  it("reports too many attempts", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "Train", "Task").Retry = [{ ErrorEquals: ["ThrottlingException"], MaxAttempts: 50 }];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      'mandatory pipeline: Task "Train" Retry #1 allows 50 attempts, more than maxAttempts (10)',
    ]);
  });

  it("reports nested Tasks in a Parallel branch and a Map processor", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      delete stateOf(branchOf(d, "Score", 0), "Evaluate", "Task").Retry;
      delete stateOf(processorOf(branchOf(d, "Score", 1), "ScoreBaselines"), "ScoreBaseline", "Task").Retry;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      noRetry('Task "Evaluate" in States.Score.Branches[0]'),
      noRetry('Task "ScoreBaseline" in States.Score.Branches[1].States.ScoreBaselines.ItemProcessor'),
      'mandatory pipeline: Task "ScoreBaseline" in States.Score.Branches[1].States.ScoreBaselines.ItemProcessor calls Lambda ' +
        "but does not retry Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, " +
        "Lambda.TooManyRequestsException; retry the Lambda service errors with backoff",
    ]);
  });

  it("reports an advisory for an unknown definition", async () => {
    assert.deepEqual(await check(policy, [stateMachineWithRawDefinition("pipeline", undefined)]), [
      "advisory pipeline: the definition is not known yet (it depends on values computed during the update); it is checked when it is known, at `pulumi up`",
    ]);
  });
});
