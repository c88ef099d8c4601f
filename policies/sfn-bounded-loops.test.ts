import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ChoiceState } from "./lib/asl";
import { branchOf, compliantDefinition, processorOf, stateOf } from "./fixtures/definitions";
import { sfnBoundedLoops as policy } from "./sfn-bounded-loops";
import { changed, check, stateMachine, stateMachineWithRawDefinition } from "./testing";

const QUERY_LOOP = "WaitForQuery → GetQueryStatus → CountQueryPoll → QueryDone → WaitForQuery";
const unbounded = (loop: string, where = "") =>
  `mandatory pipeline: the loop ${loop}${where} passes no Choice that compares a counter the loop increments; ` +
  "count the iterations (States.MathAdd) and leave the loop on a Numeric* rule such as NumericGreaterThanEquals";

const pollingChoice = (next: string, exit: string): ChoiceState => ({
  Type: "Choice",
  Choices: [{ Variable: "$.status", StringEquals: "RUNNING", Next: next }],
  Default: exit,
});

describe("sfn-bounded-loops", () => {
  it("passes the compliant definition (a counted polling loop)", async () => {
    assert.deepEqual(await check(policy, [stateMachine("pipeline", compliantDefinition())]), []);
  });

  it("reports a loop whose Choice compares no counter", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      d.States["QueryDone"] = {
        Type: "Choice",
        Choices: [
          { Variable: "$.queryStatus.state", StringEquals: "SUCCEEDED", Next: "Preprocess" },
          { Variable: "$.queryStatus.state", StringEquals: "RUNNING", Next: "WaitForQuery" },
        ],
        Default: "PipelineFailed",
      };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [unbounded(QUERY_LOOP)]);
  });

  it("reports a loop whose counter is never incremented", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "CountQueryPoll", "Pass").Parameters = { "queryPolls.$": "$.counters.queryPolls" };
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [unbounded(QUERY_LOOP)]);
    assert.deepEqual(
      await check(policy, [stateMachine("pipeline", definition)], { requireCounterIncrement: false }),
      [],
    );
  });

  it("reports a loop that avoids the guard through a Catch", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      stateOf(d, "GetQueryStatus", "Task").Catch = [{ ErrorEquals: ["States.ALL"], Next: "WaitForQuery" }];
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      unbounded("WaitForQuery → GetQueryStatus → WaitForQuery"),
    ]);
  });

  it("reports an unguarded loop inside a Map processor inside a Parallel branch", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      const processor = processorOf(branchOf(d, "Score", 1), "ScoreBaselines");
      stateOf(processor, "ScoreBaseline", "Task").Next = "Again";
      processor.States["Again"] = pollingChoice("ScoreBaseline", "BaselineScored");
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      unbounded(
        "ScoreBaseline → Again → ScoreBaseline",
        " in States.Score.Branches[1].States.ScoreBaselines.ItemProcessor",
      ),
    ]);
  });

  it("reports a missing or too long machine timeout", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      delete d.TimeoutSeconds;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      "mandatory pipeline: the state machine has no TimeoutSeconds; set one (at most 86400) so that no execution runs forever",
    ]);
    const long = changed(compliantDefinition(), (d) => {
      d.TimeoutSeconds = 172800;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", long)]), [
      "mandatory pipeline: the state machine's TimeoutSeconds 172800 exceeds maxMachineTimeoutSeconds (86400)",
    ]);
  });

  it("reports a Task without a timeout, nested too; accepts .sync and heartbeats", async () => {
    const definition = changed(compliantDefinition(), (d) => {
      delete stateOf(d, "StartQuery", "Task").TimeoutSeconds;
      delete stateOf(processorOf(branchOf(d, "Score", 1), "ScoreBaselines"), "ScoreBaseline", "Task")
        .TimeoutSeconds;
      const endpointConfig = stateOf(d, "CreateEndpointConfig", "Task");
      delete endpointConfig.TimeoutSeconds;
      endpointConfig.HeartbeatSeconds = 60;
    });
    assert.deepEqual(await check(policy, [stateMachine("pipeline", definition)]), [
      'mandatory pipeline: Task "StartQuery" has no TimeoutSeconds or HeartbeatSeconds and is not a .sync job; set TimeoutSeconds',
      'mandatory pipeline: Task "ScoreBaseline" in States.Score.Branches[1].States.ScoreBaselines.ItemProcessor has no ' +
        "TimeoutSeconds or HeartbeatSeconds and is not a .sync job; set TimeoutSeconds",
    ]);
  });

  it("reports an advisory for an unknown definition", async () => {
    assert.deepEqual(await check(policy, [stateMachineWithRawDefinition("pipeline", undefined)]), [
      "advisory pipeline: the definition is not known yet (it depends on values computed during the update); it is checked when it is known, at `pulumi up`",
    ]);
  });
});
