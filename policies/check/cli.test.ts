// The checker as users run it. The --resources cases run in process (main() with captured output);
// the --stack case runs in a child process, because it starts a Pulumi runtime, which is process-global.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main } from "./cli";

const ROOT = join(__dirname, "..", "..");
const CLI = join("policies", "check", "cli.ts");

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The checker in this process (paths relative to the repository root, as `npm run` gives them). */
async function runChecker(...args: string[]): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const cwd = process.cwd();
  process.chdir(ROOT);
  try {
    const status = await main(args, { out: (text) => out.push(text), err: (text) => err.push(text) });
    return { status, stdout: out.join("\n"), stderr: err.join("\n") };
  } finally {
    process.chdir(cwd);
  }
}

function spawnChecker(...args: string[]): Promise<Run> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: ROOT });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolveRun({ status, stdout, stderr }));
  });
}

/** A table row, columns separated by at least two spaces. */
const row = (...cells: string[]) =>
  new RegExp(cells.map((cell) => cell.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(" {2,}"));

describe("policy:check", () => {
  it("prints its usage with --help", async () => {
    const run = await runChecker("--help");
    assert.equal(run.status, 0);
    assert.match(run.stdout, /^Usage: npm run policy:check -- \[--stack <name>\] \[--resources <file>\]/);
  });

  it("passes the compliant fixture stack (prod policy config by default)", async () => {
    const run = await runChecker("--resources", "policies/fixtures/compliant-stack.json");
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /with policies\/config\/prod\.json/);
    assert.match(
      run.stdout,
      /No policy violations\.\n\n9 resources checked: 0 mandatory, 0 advisory violation\(s\)\./,
    );
  });

  it("fails the fixture stack with a Task without Catch and a disallowed instance type, naming policy and resource", async () => {
    const run = await runChecker("--resources", "policies/fixtures/violating-stack.json");
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(
      run.stdout,
      row(
        "sfn-catch-on-every-task",
        "pipeline (aws:sfn:StateMachine)",
        "mandatory",
        'Task "Train" has no Catch for States.ALL or States.TaskFailed',
      ),
    );
    assert.match(
      run.stdout,
      row(
        "sagemaker-allowed-instance-types",
        "pipeline (aws:sfn:StateMachine)",
        "mandatory",
        'Task "Train" (sagemaker:createTrainingJob): training instance type "ml.p3.16xlarge" is not allowed',
      ),
    );
    // The role may create training jobs of every name, with no tag condition: another pipeline's too.
    assert.match(
      run.stdout,
      row(
        "iam-sagemaker-resources-scoped",
        "states-role (aws:iam:Role)",
        "mandatory",
        'inline policy "pipeline" statement "TrainingJobs" allows sagemaker:CreateTrainingJob, sagemaker:StopTrainingJob on',
      ),
    );
    assert.match(run.stdout, /9 resources checked: 3 mandatory, 0 advisory violation\(s\)\./);
  });

  it("uses the dev policy config with --stack dev", async () => {
    const run = await runChecker("--stack", "dev", "--resources", "policies/fixtures/violating-stack.json");
    assert.equal(run.status, 1);
    assert.match(run.stdout, /with policies\/config\/dev\.json/);
    assert.match(run.stdout, /"ml\.p3\.16xlarge" is not allowed \(allowed: ml\.m5\.large, ml\.m5\.xlarge\)/);
  });

  it("reads `pulumi stack export` output, linking bucket resources by property dependency", async () => {
    const run = await runChecker("--resources", "policies/fixtures/stack-export.json");
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /10 resources checked: 0 mandatory, 0 advisory/);
  });

  it("runs a program under mocks with --stack and checks what it registers", async () => {
    const run = await spawnChecker(
      "--stack",
      "fixture",
      "--program",
      "policies/fixtures/program",
      "--config",
      "policies/config/dev.json",
    );
    assert.equal(run.status, 1, run.stdout + run.stderr);
    assert.match(run.stdout, row("sfn-catch-on-every-task", "pipeline (aws:sfn:StateMachine)", "mandatory"));
    assert.match(
      run.stdout,
      row("sagemaker-allowed-instance-types", "pipeline (aws:sfn:StateMachine)", "mandatory"),
    );
    // The bucket's encryption, access block and TLS policy are found through the mocked bucket id.
    assert.doesNotMatch(run.stdout, /artifacts \(aws:s3:Bucket\)/);
    assert.match(run.stdout, /7 resources checked: 2 mandatory, 1 advisory violation\(s\)\./);
  });

  it("exits 2 with a message on usage errors", async () => {
    const none = await runChecker();
    assert.equal(none.status, 2);
    assert.match(none.stderr, /give --stack <name> \(run the program\) or --resources <file>/);
    const unknownStack = await runChecker(
      "--stack",
      "staging",
      "--resources",
      "policies/fixtures/compliant-stack.json",
    );
    assert.equal(unknownStack.status, 2);
    assert.match(
      unknownStack.stderr,
      /no policy config for stack "staging" .*the stacks are dev, prod, or give --config/,
    );
    const missing = await runChecker("--resources", "policies/fixtures/nothing.json");
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read --resources file policies\/fixtures\/nothing\.json/);
  });
});
