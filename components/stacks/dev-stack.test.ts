// The dev stack under mocks, from Pulumi.dev.yaml: what it deploys and how it is wired.
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { runProgram, type ProgramRun } from "../testing/program";

describe("dev stack", () => {
  let run: ProgramRun;
  before(async () => {
    run = await runProgram("dev");
  });

  it("exports the state machine, buckets, endpoint, console URL and start command", () => {
    assert.equal(run.outputs.stateMachineName, "visit-time-dev-training");
    assert.equal(run.outputs.endpointName, "visit-time-dev");
    assert.match(String(run.outputs.startExecutionCommand), /^aws stepfunctions start-execution /);
  });
});
