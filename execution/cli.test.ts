import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { HELP, main } from "./cli";
import { followHistory } from "./history-follower";
import { CAUGHT_FAILURE, longHistory, STATE_MACHINE_ARN, SUCCEEDED } from "./testing/histories";
import { tempDir } from "../test-support/temp-dir";

const sfn = mockClient(SFNClient);
const EXECUTION_ARN = `${STATE_MACHINE_ARN.replace(":stateMachine:", ":execution:")}:run-1`;

function io() {
  const out: string[] = [];
  const err: string[] = [];
  const sleeps: number[] = [];
  return {
    out,
    err,
    sleeps,
    io: {
      out: (line: string) => out.push(line),
      err: (line: string) => err.push(line),
      sleep: async (ms: number) => {
        sleeps.push(ms);
      },
      now: () => new Date("2026-11-28T12:00:00Z"),
    },
  };
}

function outputsDir(outputs: Record<string, unknown>): string {
  const dir = tempDir("stack-outputs-");
  writeFileSync(join(dir, "dev.json"), JSON.stringify(outputs));
  return dir;
}

const ARN_FLAGS = ["--state-machine-arn", STATE_MACHINE_ARN];

describe("npm run execution", () => {
  beforeEach(() => sfn.reset());
  afterEach(() => sfn.reset());

  it("--help lists start, watch, list and report", async () => {
    const run = io();
    assert.equal(await main(["--help"], run.io), 0);
    for (const verb of ["start", "watch", "list", "report"])
      assert.match(HELP, new RegExp(`^  ${verb} `, "m"));
    assert.equal(run.out[0], HELP);
  });

  it("start checks the input against the execution input keys before calling AWS", async () => {
    const run = io();
    const code = await main(["start", ...ARN_FLAGS, "--input", '{"ForceDeploy":"yes","Colour":1}'], run.io);
    assert.equal(code, 2);
    assert.match(run.err[0] ?? "", /Unknown execution input key\(s\): Colour/);
    assert.equal(sfn.commandCalls(StartExecutionCommand).length, 0);
  });

  it("start passes the name and input, then prints how to follow it", async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION_ARN, startDate: new Date() });
    const dir = outputsDir({ stateMachineArn: STATE_MACHINE_ARN, endpointName: "visit-time-dev" });
    const input = join(dir, "input.json");
    writeFileSync(input, '{"ForceDeploy":true}');
    const run = io();
    const code = await main(
      ["start", "--stack", "dev", "--outputs-dir", dir, "--name", "run-1", "--input", `@${input}`],
      run.io,
    );
    assert.equal(code, 0);
    const call = sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input;
    assert.deepEqual(call, {
      stateMachineArn: STATE_MACHINE_ARN,
      name: "run-1",
      input: '{"ForceDeploy":true}',
    });
    assert.deepEqual(run.out, [
      `Started run-1: ${EXECUTION_ARN}`,
      "Follow it with: npm run execution -- watch run-1 --stack dev",
    ]);
  });

  it("watch renders a failed execution to its cause and exits 1", async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION_ARN, name: "run-1", status: "FAILED" });
    sfn.on(DescribeStateMachineForExecutionCommand).rejects(new Error("not allowed"));
    sfn.on(GetExecutionHistoryCommand).resolves({ events: CAUGHT_FAILURE });
    const run = io();
    assert.equal(await main(["watch", "run-1", ...ARN_FLAGS], run.io), 1);
    assert.equal(sfn.commandCalls(GetExecutionHistoryCommand)[0]?.args[0].input.executionArn, EXECUTION_ARN);
    const text = run.out.join("\n");
    assert.match(text, /caught → TrainingFailed/);
    assert.match(
      text,
      /Execution run-1 FAILED in 8\.0 s\n {2}error: States\.TaskFailed\n {2}cause: AlgorithmError: zero usable examples/,
    );
  });

  it("watch follows a running execution with back-off until it ends", async () => {
    const firstPart = SUCCEEDED.slice(0, 6);
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: EXECUTION_ARN, name: "run-1", status: "RUNNING" });
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({ events: firstPart })
      .resolvesOnce({ events: firstPart })
      .resolvesOnce({ events: firstPart })
      .resolves({ events: SUCCEEDED });
    const run = io();
    assert.equal(await main(["watch", EXECUTION_ARN, ...ARN_FLAGS, "--poll-ms", "500"], run.io), 0);
    assert.deepEqual(run.sleeps, [500, 1000, 2000]);
    // Each event rendered once, though the first events were read four times.
    assert.equal(run.out.filter((line) => line === "▶ execution started").length, 1);
    assert.equal(run.out.filter((line) => line.includes("✔ StartQuery")).length, 1);
    assert.match(run.out.at(-1) ?? "", /^Execution run-1 SUCCEEDED in 20\.0 s$/);
  });

  it("list shows recent executions with status and duration", async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        {
          executionArn: EXECUTION_ARN,
          stateMachineArn: STATE_MACHINE_ARN,
          name: "run-1",
          status: "SUCCEEDED",
          startDate: new Date("2026-11-28T10:00:00Z"),
          stopDate: new Date("2026-11-28T10:42:05Z"),
        },
        {
          executionArn: `${EXECUTION_ARN}-2`,
          stateMachineArn: STATE_MACHINE_ARN,
          name: "run-2",
          status: "RUNNING",
          startDate: new Date("2026-11-28T11:59:30Z"),
        },
      ],
    });
    const run = io();
    assert.equal(await main(["list", ...ARN_FLAGS, "--max", "2"], run.io), 0);
    assert.equal(sfn.commandCalls(ListExecutionsCommand)[0]?.args[0].input.maxResults, 2);
    assert.deepEqual(run.out.slice(1), [
      "run-1  SUCCEEDED  2026-11-28 10:00:00  42 min 5 s",
      "run-2  RUNNING    2026-11-28 11:59:30  30.0 s (running)",
    ]);
  });

  it("names what is wrong: no credentials, an unknown execution, a missing stack output", async () => {
    const noCredentials = Object.assign(new Error("Could not load credentials from any providers"), {
      name: "CredentialsProviderError",
    });
    sfn.on(ListExecutionsCommand).rejects(noCredentials);
    let run = io();
    assert.equal(await main(["list", ...ARN_FLAGS], run.io), 2);
    assert.match(run.err[0] ?? "", /^Error: No AWS credentials: Could not load credentials.*Set AWS_PROFILE/);

    sfn
      .on(DescribeExecutionCommand)
      .rejects(
        Object.assign(new Error("Execution Does Not Exist: 'nope'"), { name: "ExecutionDoesNotExist" }),
      );
    run = io();
    assert.equal(await main(["watch", "nope", ...ARN_FLAGS], run.io), 2);
    assert.match(
      run.err[0] ?? "",
      /Unknown execution: execution .*:execution:visit-time-dev:nope does not exist/,
    );

    run = io();
    const dir = outputsDir({ endpointName: "visit-time-dev" });
    assert.equal(await main(["list", "--stack", "dev", "--outputs-dir", dir], run.io), 2);
    assert.match(run.err[0] ?? "", /have no stateMachineArn \(keys: endpointName\)/);

    run = io();
    assert.equal(await main(["list", "--stack", "prod", "--outputs-dir", dir], run.io), 2);
    assert.match(
      run.err[0] ?? "",
      /No outputs file for stack "prod" at .*prod\.json.*pulumi stack output --json -s prod/,
    );
  });
});

describe("history pagination", () => {
  beforeEach(() => sfn.reset());

  it("reads a long history page by page, every event once, in order", async () => {
    const events = longHistory(400); // 2804 events: three pages of 1000
    sfn.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      const from = input.nextToken ? Number(input.nextToken) : 0;
      const size = input.maxResults ?? 100;
      const to = from + size;
      return { events: events.slice(from, to), ...(to < events.length ? { nextToken: String(to) } : {}) };
    });
    const seen: number[] = [];
    const result = await followHistory({
      client: new SFNClient({ region: "eu-west-1" }),
      executionArn: EXECUTION_ARN,
      onEvents: (page) => seen.push(...page.map((event) => event.id ?? 0)),
      sleep: async () => undefined,
    });
    assert.equal(events.length, 2804);
    assert.deepEqual(
      seen,
      events.map((event) => event.id),
    );
    assert.deepEqual(result, { requests: 3, events: 2804, ended: true });
    assert.deepEqual(
      sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input.nextToken),
      [undefined, "1000", "2000"],
    );
  });

  it("re-reads only the last, partial page while following", async () => {
    const events = longHistory(200); // 1404 events
    let visible = 1200;
    sfn.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      const from = input.nextToken ? Number(input.nextToken) : 0;
      const to = Math.min(from + (input.maxResults ?? 100), visible);
      return { events: events.slice(from, to), ...(to < visible ? { nextToken: String(to) } : {}) };
    });
    const seen: number[] = [];
    await followHistory({
      client: new SFNClient({ region: "eu-west-1" }),
      executionArn: EXECUTION_ARN,
      onEvents: (page) => seen.push(...page.map((event) => event.id ?? 0)),
      sleep: async () => {
        visible = events.length; // the rest of the run happens while the watcher waits
      },
    });
    assert.deepEqual(
      seen,
      events.map((event) => event.id),
    );
    assert.deepEqual(
      sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input.nextToken),
      [undefined, "1000", "1000"],
    );
  });
});
