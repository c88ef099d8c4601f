// End to end: a run whose process is killed with SIGKILL during training (nothing it can catch, like a
// power cut) is recorded by the next command that opens the work directory, and its orphan training job is
// stopped (issue 15, finding 1). Also: what a pid and its start time tell about a process.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { PROCESS_LOST, recoverLostRuns } from "./lost-runs";
import { currentProcess, processState } from "./process-identity";
import type { JobProcesses } from "./job-processes";
import { until } from "../test-support/until";

const ROOT = resolve(__dirname, "..");

const readJson = async (path: string) => JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;

describe("process identity", () => {
  it("tells a live process from a lost one, a reused pid included, and leaves other hosts' alone", async () => {
    const self = currentProcess();
    assert.equal(processState(self), "alive");
    assert.ok(self.startTime !== null, "this platform reports a start time");
    assert.equal(processState({ ...self, startTime: "1" }), "lost", "a pid reused by another process");
    assert.equal(processState({ ...self, host: `not-${hostname()}` }), "unknown");
    const child = spawn(process.execPath, ["-e", ""]);
    const pid = child.pid!;
    await new Promise((done) => child.on("exit", done));
    assert.equal(processState({ pid, startTime: null, host: hostname() }), "lost");
  });

  it("leaves a run in progress alone while its process lives", async () => {
    const workdir = await mkdtemp(join(tmpdir(), "vt-live-"));
    try {
      const runDir = join(workdir, "runs", "live");
      await mkdir(runDir, { recursive: true });
      await writeFile(
        join(runDir, "process.json"),
        JSON.stringify({ process: currentProcess(), startedAt: new Date().toISOString() }),
      );
      assert.deepEqual(await recoverLostRuns(workdir, "test"), { runs: [], jobs: [] });
      assert.ok(!existsSync(join(runDir, "summary.json")));
    } finally {
      await rm(workdir, { recursive: true, force: true });
    }
  });
});

describe("a run whose process was killed with SIGKILL", () => {
  it("is recorded ABORTED (ProcessLost) by the next command, and its orphan job is stopped", async () => {
    const workdir = await mkdtemp(join(tmpdir(), "vt-lost-"));
    // The CLI itself, not a tsx wrapper, so that SIGKILL ends the process that owns the run, and only it.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "local/cli.ts",
        "run",
        ...["--sample-users", "20", "--sample-days", "40", "--hp", "epochs=50"],
        ...["--workdir", workdir, "--execution-name", "lost"],
      ],
      { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise((done) => child.on("close", done));
    const jobDir = join(workdir, "jobs", "lost-train");
    const processes = (): JobProcesses | undefined =>
      existsSync(join(jobDir, "process.json"))
        ? (JSON.parse(readFileSync(join(jobDir, "process.json"), "utf8")) as JobProcesses)
        : undefined;
    try {
      await until(
        () => processes()?.container != null || child.exitCode !== null,
        120_000,
        "the training job's container",
      );
      const container = processes()?.container;
      assert.ok(container, `the training job never started:\n${output}`);
      assert.equal(processes()?.owner.pid, child.pid);
      child.kill("SIGKILL");
      await exited;
      const runDir = join(workdir, "runs", "lost");
      assert.ok(!existsSync(join(runDir, "summary.json")), "SIGKILL leaves no record of its own");
      assert.equal((await readJson(join(jobDir, "job.json")))["TrainingJobStatus"], "InProgress");

      // The next command that opens the work directory.
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ["--import", "tsx", "local/runs/cli.ts", "list", "--workdir", workdir],
        { cwd: ROOT },
      );
      assert.match(
        stdout,
        new RegExp(
          `Run lost was in progress but its process ${child.pid} is gone .*ABORTED \\(ProcessLost\\)`,
        ),
      );
      assert.match(stdout, /Job lost-train of a lost run marked Stopped/);
      assert.ok(stdout.includes(`Report: ${join(runDir, "report.html")}`), stdout);
      const report = await readFile(join(runDir, "report.html"), "utf8");
      assert.match(report, /ABORTED/);
      assert.match(report, new RegExp(`The process ${child.pid} that ran this execution ended`));

      const summary = await readJson(join(runDir, "summary.json"));
      assert.equal(summary["status"], "ABORTED");
      assert.equal(summary["error"], PROCESS_LOST);
      assert.match(
        String(summary["cause"]),
        new RegExp(`^The process ${child.pid} that ran this execution ended without writing its record`),
      );
      assert.match(String(summary["cause"]), /`npm run runs -- list` found it gone/);
      assert.equal(summary["finalState"], "Train");
      const states = summary["states"] as { name: string; status: string }[];
      assert.deepEqual(states.at(-1), { ...states.at(-1), name: "Train", status: "ABORTED" });
      assert.ok(states.some((state) => state.name === "Preprocess" && state.status === "SUCCEEDED"));
      const history = JSON.parse(await readFile(join(runDir, "history.json"), "utf8")) as { type: string }[];
      assert.equal(history[0]?.type, "ExecutionStarted");
      assert.equal(history.at(-1)?.type, "ExecutionAborted");

      const job = await readJson(join(jobDir, "job.json"));
      assert.equal(job["TrainingJobStatus"], "Stopped");
      assert.match(
        String(job["FailureReason"]),
        new RegExp(`^Stopped: the run's process ${child.pid} was lost`),
      );
      await until(() => processState(container) === "lost", 10_000, "the orphan container to end");

      // Recorded once: a second command finds nothing more to do.
      const again = await recoverLostRuns(workdir, "test");
      assert.deepEqual(again, { runs: [], jobs: [] });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      const container = processes()?.container;
      if (container && processState(container) === "alive") process.kill(container.pid, "SIGKILL");
      await rm(workdir, { recursive: true, force: true });
    }
  });
});
