import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_HYPERPARAMETERS } from "../contracts/hyperparameters";
import { defaultExecutionName, hyperparametersFrom, main } from "./cli";
import { validateExecutionName } from "./runner";

async function capture(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => err.push(args.join(" "));
  try {
    const code = await main(argv, (line) => out.push(line));
    return { code, out: out.join("\n"), err: err.join("\n") };
  } finally {
    console.error = original;
  }
}

describe("cli", () => {
  it("prints help for run and serve", async () => {
    const run = await capture(["run", "--help"]);
    assert.equal(run.code, 0);
    assert.match(run.out, /--fail-state <STATE:ERROR\[:N\]>/);
    assert.match(run.out, /epochs\s+maximum training epochs/);
    const serve = await capture(["serve", "--help"]);
    assert.match(serve.out, /--port <n>/);
  });

  it("names an unknown flag, an unknown command and a bad execution input key", async () => {
    const flag = await capture(["run", "--epochs", "3"]);
    assert.equal(flag.code, 2);
    assert.match(flag.err, /Unknown option '--epochs'/);
    const command = await capture(["deploy"]);
    assert.match(command.err, /Unknown command "deploy"/);
    const input = await capture([
      "run",
      "--input",
      "x.csv",
      "--execution-input",
      '{"Foo": 1}',
      "--workdir",
      "/nonexistent/x",
    ]);
    assert.equal(input.code, 2);
    assert.match(input.err, /Unknown execution input key\(s\): Foo/);
    const name = await capture(["run", "--endpoint-name", "my_endpoint"]);
    assert.match(
      name.err,
      /--endpoint-name: \[visit-time-pipeline\.endpoint\.name\] must be 1-63 letters, digits or hyphens/,
    );
    const force = await capture(["run", "--execution-input", '{"ForceDeploy":"yes"}']);
    assert.match(force.err, /ForceDeploy must be true or false/);
  });

  it("checks execution names, hyperparameters and fault specs before anything runs", async () => {
    assert.match(
      (await capture(["run", "--execution-name", "bad_name"])).err,
      /Execution name "bad_name" is invalid/,
    );
    assert.match(
      (await capture(["run", "--hp", "epochs=many"])).err,
      /hyperparameter "epochs" must be an integer/,
    );
    assert.match((await capture(["run", "--hp", "colour=red"])).err, /unknown hyperparameter "colour"/);
    assert.match((await capture(["run", "--fail-state", "Train"])).err, /is not STATE:ERROR\[:N\]/);
    const workdir = await mkdtemp(join(tmpdir(), "cli-"));
    try {
      const run = (...flags: string[]) =>
        capture(["run", "--workdir", workdir, "--input", "x.csv", ...flags]);
      assert.match(
        (await run("--fail-state", "Training:X")).err,
        /"Training", which is not a Task state.*Train,/s,
      );
      assert.match(
        (await run("--max-mae", "20")).err,
        /--max-mae: \[visit-time-pipeline\.qualityGate\.maxMae\]/,
      );
      assert.deepEqual(await readdir(workdir), [], "nothing is written for a usage error");
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  });

  it("refuses an execution name that exists before generating or writing anything", async () => {
    const workdir = await mkdtemp(join(tmpdir(), "cli-"));
    try {
      await mkdir(join(workdir, "runs", "taken"), { recursive: true });
      await writeFile(join(workdir, "runs", "taken", "summary.json"), '{"status":"FAILED"}');
      const result = await capture(["run", "--workdir", workdir, "--execution-name", "taken"]);
      assert.equal(result.code, 2);
      assert.match(result.err, /"taken" already exists .*\(status FAILED\); its artifacts are kept/);
      assert.deepEqual(await readdir(join(workdir, "runs", "taken")), ["summary.json"]);
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  });

  it("merges hyperparameters over the container's defaults", () => {
    const merged = hyperparametersFrom(["epochs=5", "learning_rate=0.01"]);
    assert.equal(merged["epochs"], "5");
    assert.equal(merged["learning_rate"], "0.01");
    assert.equal(merged["batch_size"], DEFAULT_HYPERPARAMETERS["batch_size"]);
  });

  it("takes execution names of at most 52 characters: <name>-preprocess must fit SageMaker's 63", () => {
    const longest = "a".repeat(52);
    assert.equal(validateExecutionName(longest), longest);
    assert.equal(`${longest}-preprocess`.length, 63);
    assert.throws(() => validateExecutionName("a".repeat(53)), /1-52 letters, digits or hyphens/);
    assert.throws(() => validateExecutionName(`a${"-".repeat(60)}b`), /1-52 letters/);
    assert.throws(() => validateExecutionName("manual.1"), /is invalid/);
  });

  it("derives a valid default execution name from the time", () => {
    assert.equal(
      defaultExecutionName(new Date("2026-11-26T13:05:09.123Z"), "0a1f"),
      "run-20261126130509-0a1f",
    );
    // Two runs started in the same second without --execution-name get different names.
    const now = new Date("2026-11-26T13:05:09.123Z");
    const names = new Set(Array.from({ length: 50 }, () => defaultExecutionName(now)));
    assert.ok(names.size >= 45, `only ${names.size} distinct names of 50`);
    for (const name of names) assert.equal(validateExecutionName(name), name);
  });
});
