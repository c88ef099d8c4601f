import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { branchOf, compliantDefinition, processorOf, stateOf } from "./fixtures/definitions";
import { sfnCatchOnEveryTask as policy } from "./sfn-catch-on-every-task";
import { changed, check, stateMachine, stateMachineWithRawDefinition } from "./testing";

const missingCatch = (state: string) =>
  `mandatory pipeline: ${state} has no Catch for States.ALL or States.TaskFailed; add one that routes to a Fail state carrying the error and its cause`;

describe("sfn-catch-on-every-task", () => {
  it("passes the compliant definition", async () => {
    assert.deepEqual(await check(policy, [stateMachine("pipeline", compliantDefinition())]), []);
  });

  it("reports a top-level Task without Catch", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      delete stateOf(d, "Train", "Task").Catch;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      missingCatch('Task "Train"'),
    ]);
  });

  it("reports a Catch that covers only specific errors", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "StartQuery", "Task").Catch = [{ ErrorEquals: ["States.Timeout"], Next: "PipelineFailed" }];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      missingCatch('Task "StartQuery"'),
    ]);
  });

  it("accepts States.TaskFailed", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "StartQuery", "Task").Catch = [
        { ErrorEquals: ["States.TaskFailed"], Next: "PipelineFailed" },
      ];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), []);
  });

  it("reports a Task without Catch inside a Parallel branch", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      delete stateOf(branchOf(d, "Score", 0), "Evaluate", "Task").Catch;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      missingCatch('Task "Evaluate" in States.Score.Branches[0]'),
    ]);
  });

  it("reports a Task without Catch inside a Map processor inside a Parallel branch", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      delete stateOf(processorOf(branchOf(d, "Score", 1), "ScoreBaselines"), "ScoreBaseline", "Task").Catch;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      missingCatch('Task "ScoreBaseline" in States.Score.Branches[1].States.ScoreBaselines.ItemProcessor'),
    ]);
  });

  it("reports a Task without Catch inside a legacy Map Iterator", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      const map = stateOf(branchOf(d, "Score", 1), "ScoreBaselines", "Map");
      const processor = processorOf(branchOf(d, "Score", 1), "ScoreBaselines");
      delete stateOf(processor, "ScoreBaseline", "Task").Catch;
      map.Iterator = { StartAt: processor.StartAt, States: processor.States };
      delete map.ItemProcessor;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      missingCatch('Task "ScoreBaseline" in States.Score.Branches[1].States.ScoreBaselines.Iterator'),
    ]);
  });

  it("uses the configured catch-all errors and level", async () => {
    const config = { enforcementLevel: "advisory" as const, catchAllErrors: ["States.TaskFailed"] };
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "StartQuery", "Task").Catch = [
        { ErrorEquals: ["States.TaskFailed"], Next: "PipelineFailed" },
      ];
    });
    const violations = await check(policy, [stateMachine("pipeline", definition)], config);
    assert.equal(violations.length, 6);
    assert.equal(
      violations[0],
      'advisory pipeline: Task "GetQueryStatus" has no Catch for States.TaskFailed; add one that routes to a Fail state carrying the error and its cause',
    );
  });

  it("reports an advisory for an unknown definition", async () => {
    assert.deepEqual(await check(policy, [stateMachineWithRawDefinition("pipeline", undefined)]), [
      "advisory pipeline: the definition is not known yet (it depends on values computed during the update); it is checked when it is known, at `pulumi up`",
    ]);
    assert.deepEqual(await check(policy, [stateMachineWithRawDefinition("pipeline", "[]")]), [
      "advisory pipeline: the definition cannot be checked: it has no States object; Step Functions will reject it too, fix the definition builder",
    ]);
  });
});
