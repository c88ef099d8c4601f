import assert from "node:assert/strict";
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { list as listTar } from "tar";
import type { JobProgress } from "./sagemaker-jobs";
import { jobPath, LocalSageMakerJobs } from "./sagemaker-jobs";

// A stand-in container: the same directory and failure contract as training/main.ts, in a few lines.
const FAKE_CONTAINER = `
const fs = require("node:fs");
const path = require("node:path");
const root = process.env.VT_ML_ROOT;
const entry = process.argv[2];
function fail(reason) {
  fs.writeFileSync(path.join(root, "output", "failure"), reason);
  process.exit(1);
}
if (entry === "preprocess") {
  const input = path.join(root, "processing", "input", "daily-visits");
  const files = fs.readdirSync(input);
  if (!fs.readFileSync(path.join(input, files[0]), "utf8").includes("user_id")) fail("missing column user_id");
  fs.mkdirSync(path.join(root, "processing", "output", "splits"), { recursive: true });
  fs.writeFileSync(path.join(root, "processing", "output", "splits", "train.json"), JSON.stringify({ files }));
} else if (entry === "train") {
  const hp = JSON.parse(fs.readFileSync(path.join(root, "input", "config", "hyperparameters.json"), "utf8"));
  const data = fs.readdirSync(path.join(root, "input", "data", "training", "splits"));
  for (let epoch = 1; epoch <= Number(hp.epochs); epoch++) {
    console.log(JSON.stringify({ event: "epoch", epoch, epochs: Number(hp.epochs), loss: 1 / epoch }));
    console.log("val_mae=" + (3 / epoch).toFixed(2));
  }
  if (hp.explode === "yes") fail("hyperparameter explode=yes is not allowed");
  fs.writeFileSync(path.join(root, "model", "model.json"), JSON.stringify({ data }));
} else if (entry === "sleep") {
  setTimeout(() => {}, 60000);
} else {
  fail("unknown entry point " + entry);
}
`;

describe("LocalSageMakerJobs", () => {
  let root = "";
  let jobs: LocalSageMakerJobs;
  const progress: JobProgress[] = [];
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "jobs-"));
    await writeFile(join(root, "container.cjs"), FAKE_CONTAINER);
    await mkdir(join(root, "s3", "data", "runs", "r1"), { recursive: true });
    await writeFile(
      join(root, "s3", "data", "runs", "r1", "daily-visits.csv"),
      "user_id,visit_date\nu1,2024-01-01\n",
    );
    jobs = new LocalSageMakerJobs({
      jobsRoot: join(root, "jobs"),
      s3Root: join(root, "s3"),
      container: { command: process.execPath, args: [join(root, "container.cjs")], cwd: root },
      onProgress: (event) => progress.push(event),
    });
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const preprocess = (name: string, input = "s3://data/runs/r1/daily-visits.csv") => ({
    ProcessingJobName: name,
    AppSpecification: { ImageUri: "local/visit-time:dev", ContainerArguments: ["preprocess"] },
    ProcessingInputs: [
      {
        InputName: "daily-visits",
        S3Input: { S3Uri: input, LocalPath: "/opt/ml/processing/input/daily-visits" },
      },
    ],
    ProcessingOutputConfig: {
      Outputs: [
        {
          OutputName: "examples",
          S3Output: {
            S3Uri: `s3://artifacts/runs/${name}/preprocess`,
            LocalPath: "/opt/ml/processing/output",
          },
        },
      ],
    },
  });

  it("maps container paths under /opt/ml and refuses others", () => {
    assert.equal(jobPath("/w/j", "/opt/ml/processing/input/x"), join("/w/j", "processing", "input", "x"));
    assert.throws(() => jobPath("/w/j", "/etc/passwd"), { message: /must be under \/opt\/ml/ });
    assert.throws(() => jobPath("/w/j", "/opt/ml/../../etc"), { message: /must be under \/opt\/ml/ });
  });

  it("runs a processing job: inputs in, outputs out, DescribeProcessingJob's shape", async () => {
    const result = await jobs.runProcessingJob(preprocess("p1"));
    assert.equal(result.ProcessingJobStatus, "Completed");
    assert.equal(
      result.ProcessingOutputConfig?.Outputs[0]?.S3Output?.S3Uri,
      "s3://artifacts/runs/p1/preprocess",
    );
    const uploaded = await readFile(
      join(root, "s3", "artifacts", "runs", "p1", "preprocess", "splits", "train.json"),
      "utf8",
    );
    assert.deepEqual(JSON.parse(uploaded), { files: ["daily-visits.csv"] });
    // Read in place: the job's input and output are the objects' own files (hard links), not copies.
    const same = async (a: string, b: string) => (await stat(a)).ino === (await stat(b)).ino;
    assert.ok(
      await same(
        join(root, "s3", "data", "runs", "r1", "daily-visits.csv"),
        join(root, "jobs", "p1", "processing", "input", "daily-visits", "daily-visits.csv"),
      ),
    );
    assert.ok(
      await same(
        join(root, "s3", "artifacts", "runs", "p1", "preprocess", "splits", "train.json"),
        join(root, "jobs", "p1", "processing", "output", "splits", "train.json"),
      ),
    );
    await assert.rejects(() => jobs.runProcessingJob(preprocess("p1")), {
      name: "SageMaker.ResourceInUseException",
      message: /processing job named "p1" already exists/,
    });
  });

  it("fails a job with no input objects as States.TaskFailed naming the S3 URL", async () => {
    await assert.rejects(
      () => jobs.runProcessingJob(preprocess("p2", "s3://data/runs/missing/")),
      (error: Error) => {
        assert.equal(error.name, "States.TaskFailed");
        const cause = JSON.parse(error.message) as { ProcessingJobStatus: string; FailureReason: string };
        assert.equal(cause.ProcessingJobStatus, "Failed");
        assert.match(cause.FailureReason, /No S3 objects found under S3 URL "s3:\/\/data\/runs\/missing\/"/);
        return true;
      },
    );
  });

  it("carries the entry point's failure file as the FailureReason", async () => {
    await writeFile(join(root, "s3", "data", "bad.csv"), "visitor,when\n");
    await assert.rejects(
      () => jobs.runProcessingJob(preprocess("p3", "s3://data/bad.csv")),
      (error: Error) => {
        assert.equal(error.name, "States.TaskFailed");
        assert.match(error.message, /"FailureReason":"AlgorithmError: missing column user_id"/);
        return true;
      },
    );
  });

  it("runs a training job: hyperparameters, channels, metrics, model.tar.gz, progress", async () => {
    await jobs.runProcessingJob(preprocess("p4"));
    const train = (name: string, hyperparameters: Record<string, string>) => ({
      TrainingJobName: name,
      AlgorithmSpecification: {
        TrainingImage: "local/visit-time:dev",
        TrainingInputMode: "File",
        MetricDefinitions: [{ Name: "validation:mae", Regex: "val_mae=([0-9.]+)" }],
      },
      HyperParameters: hyperparameters,
      InputDataConfig: [
        {
          ChannelName: "training",
          DataSource: { S3DataSource: { S3Uri: "s3://artifacts/runs/p4/preprocess" } },
        },
      ],
      OutputDataConfig: { S3OutputPath: "s3://artifacts/runs/r1/model" },
    });
    const result = await jobs.runTrainingJob(train("t1", { epochs: "2" }));
    assert.equal(result.TrainingJobStatus, "Completed");
    assert.equal(
      result.ModelArtifacts.S3ModelArtifacts,
      "s3://artifacts/runs/r1/model/t1/output/model.tar.gz",
    );
    assert.deepEqual(
      result.FinalMetricDataList.map((metric) => [metric.MetricName, metric.Value]),
      [["validation:mae", 1.5]],
    );
    const entries: string[] = [];
    await listTar({
      file: join(root, "s3", "artifacts", "runs", "r1", "model", "t1", "output", "model.tar.gz"),
      onReadEntry: (entry) => entries.push(entry.path),
    });
    assert.deepEqual(entries, ["model.json"]);
    assert.deepEqual(
      progress.filter((event) => event.jobName === "t1").map((event) => event.record["epoch"]),
      [1, 2],
    );

    await assert.rejects(
      () => jobs.runTrainingJob(train("t2", { epochs: "1", explode: "yes" })),
      (error: Error) => {
        assert.equal(error.name, "States.TaskFailed");
        const cause = JSON.parse(error.message) as { TrainingJobStatus: string; FailureReason: string };
        assert.equal(cause.TrainingJobStatus, "Failed");
        assert.equal(cause.FailureReason, "AlgorithmError: hyperparameter explode=yes is not allowed");
        return true;
      },
    );
  });

  it("stops a job that exceeds its MaxRuntimeInSeconds", async () => {
    await assert.rejects(
      () =>
        jobs.runProcessingJob({
          ProcessingJobName: "slow",
          AppSpecification: { ImageUri: "local/visit-time:dev", ContainerArguments: ["sleep"] },
          StoppingCondition: { MaxRuntimeInSeconds: 1 },
        }),
      (error: Error) => {
        assert.equal(error.name, "States.TaskFailed");
        assert.match(
          error.message,
          /MaxRuntimeExceeded: the job ran longer than its MaxRuntimeInSeconds \(1\)/,
        );
        return true;
      },
    );
  });

  it("settled() waits for a job of an aborted execution to write its Stopped record", async () => {
    const controller = new AbortController();
    const stoppable = new LocalSageMakerJobs({
      jobsRoot: join(root, "jobs"),
      s3Root: join(root, "s3"),
      container: { command: process.execPath, args: [join(root, "container.cjs")], cwd: root },
      signal: controller.signal,
    });
    const running = stoppable.runProcessingJob({
      ProcessingJobName: "aborted",
      AppSpecification: { ImageUri: "local/visit-time:dev", ContainerArguments: ["sleep"] },
    });
    // Nobody awaits the Task of an aborted execution: only its rejection is observed here.
    const outcome = running.then(
      () => "completed",
      (error: Error) => error.name,
    );
    const jobFile = join(root, "jobs", "aborted", "job.json");
    const status = async () =>
      (JSON.parse(await readFile(jobFile, "utf8")) as { ProcessingJobStatus: string }).ProcessingJobStatus;
    while (!(await stat(jobFile).catch(() => null))) await new Promise((done) => setTimeout(done, 20));
    assert.equal(await status(), "InProgress");
    controller.abort();
    await stoppable.settled();
    const record = JSON.parse(await readFile(jobFile, "utf8")) as Record<string, unknown>;
    assert.equal(record["ProcessingJobStatus"], "Stopped");
    assert.match(String(record["FailureReason"]), /^Stopped: the execution was aborted/);
    assert.equal(await outcome, "States.TaskFailed");
    // Nothing left to wait for: settled() returns at once.
    await stoppable.settled();
  });
});
