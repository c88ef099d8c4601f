// End to end: `npm start` ended by a signal while its training job runs still leaves the run's record
// (issue 15, finding 1). The CLI runs in its own process group, which gets the signal as a terminal, a
// `timeout` or `kill -- -PID` sends it: to every process of the group (tsx, the CLI, the job).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { abortedOutcome, RunInterrupted } from "./run-interruption";
import { until } from "../test-support/until";

const ROOT = resolve(__dirname, "..");

describe("run interruption", () => {
  it("records a signal as ABORTED with the signal, an uncaught error as FAILED with its message", () => {
    assert.deepEqual(abortedOutcome(new RunInterrupted("SIGHUP")), {
      status: "ABORTED",
      error: "ExecutionAborted",
      cause: "The run was stopped by SIGHUP: its jobs were stopped and the execution aborted.",
    });
    assert.equal(new RunInterrupted("SIGINT").exitCode, 130);
    const failed = abortedOutcome(new RangeError("boom"));
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.error, "RangeError");
    assert.match(failed.cause, /uncaught error: boom/);
  });

  it("SIGTERM to the process group during training: summary.json ABORTED, the training job Stopped", async () => {
    const workdir = await mkdtemp(join(tmpdir(), "vt-interrupt-"));
    try {
      const child = spawn(
        join(ROOT, "node_modules", ".bin", "tsx"),
        [
          "local/cli.ts",
          "run",
          "--sample-users",
          "20",
          "--sample-days",
          "40",
          "--hp",
          "epochs=50",
          "--workdir",
          workdir,
          "--execution-name",
          "stopped",
        ],
        { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] },
      );
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((done) => child.on("close", (code) => done(code)));
      const jobFile = join(workdir, "jobs", "stopped-train", "job.json");
      try {
        await until(() => existsSync(jobFile) || child.exitCode !== null, 120_000, "the training job");
      } catch (error) {
        process.kill(-child.pid!, "SIGKILL");
        throw error;
      }
      assert.ok(existsSync(jobFile), `the training job never started:\n${output}`);
      process.kill(-child.pid!, "SIGTERM");
      const code = await exited;

      assert.equal(code, 143, output);
      const runDir = join(workdir, "runs", "stopped");
      const summary = JSON.parse(await readFile(join(runDir, "summary.json"), "utf8")) as Record<
        string,
        unknown
      >;
      assert.equal(summary["status"], "ABORTED");
      assert.equal(summary["error"], "ExecutionAborted");
      assert.match(String(summary["cause"]), /stopped by SIGTERM/);
      assert.equal(summary["finalState"], "Train");
      const history = JSON.parse(await readFile(join(runDir, "history.json"), "utf8")) as {
        type: string;
      }[];
      assert.equal(history.at(-1)?.type, "ExecutionAborted");
      // The job's record settles once its process is gone.
      const job = JSON.parse(await readFile(jobFile, "utf8")) as Record<string, unknown>;
      assert.equal(job["TrainingJobStatus"], "Stopped");
      assert.match(String(job["FailureReason"]), /^Stopped:/);
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  });
});
