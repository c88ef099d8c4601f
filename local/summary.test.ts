import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ExecutionEvent } from "./executor";
import { epochLine, preprocessLine, ProgressReporter } from "./progress";
import { StateRecorder } from "./run-record";
import { sampleRequest } from "./sample-request";
import { evaluationTable, readableCause, renderSummary, type RunSummary } from "./summary";

const state = (name: string, type: "Task" | "Fail" = "Task") => ({ name, type, input: {} });

describe("run records", () => {
  it("records one entry per attempt: retried, caught and failed states", () => {
    const events: ExecutionEvent[] = [
      { type: "ExecutionStarted", timestamp: 0, input: {} },
      { type: "StateEntered", timestamp: 10, state: state("StartQuery") },
      {
        type: "StateFailed",
        timestamp: 15,
        state: state("StartQuery"),
        Error: "Lambda.TooManyRequestsException",
        Cause: "slow down",
      },
      {
        type: "StateRetried",
        timestamp: 20,
        state: state("StartQuery"),
        retry: { retrier: { ErrorEquals: ["X"] }, attempt: 1 },
      },
      { type: "StateExited", timestamp: 30, state: state("StartQuery") },
      { type: "StateEntered", timestamp: 40, state: state("Train") },
      { type: "StateFailed", timestamp: 90, state: state("Train"), Error: "States.TaskFailed", Cause: "{}" },
      {
        type: "StateCaught",
        timestamp: 90,
        state: state("Train"),
        catch: { catcher: { ErrorEquals: ["States.ALL"], Next: "TrainingFailed" } },
      },
      { type: "StateExited", timestamp: 91, state: state("Train") },
      { type: "StateEntered", timestamp: 92, state: state("TrainingFailed", "Fail") },
      {
        type: "StateFailed",
        timestamp: 93,
        state: state("TrainingFailed", "Fail"),
        Error: "States.TaskFailed",
        Cause: "{}",
      },
      { type: "ExecutionFailed", timestamp: 94, Error: "States.TaskFailed", Cause: "{}" },
    ];
    const recorder = new StateRecorder();
    events.forEach((event) => recorder.add(event));
    assert.deepEqual(
      recorder.records.map((record) => [record.name, record.status, record.durationMs, record.error]),
      [
        ["StartQuery", "RETRIED", 5, "Lambda.TooManyRequestsException"],
        ["StartQuery", "SUCCEEDED", 10, undefined],
        ["Train", "CAUGHT", 51, "States.TaskFailed"],
        ["TrainingFailed", "FAILED", 1, "States.TaskFailed"],
      ],
    );
  });

  it("extracts the readable part of Lambda and SageMaker causes", () => {
    assert.equal(
      readableCause('{"errorType":"InvalidInput","errorMessage":"sqlUri is missing"}'),
      "sqlUri is missing",
    );
    assert.equal(
      readableCause('{"TrainingJobStatus":"Failed","FailureReason":"AlgorithmError: x"}'),
      "AlgorithmError: x",
    );
    assert.equal(readableCause("plain text"), "plain text");
  });

  it("tabulates the model against the baselines, best baseline first", () => {
    const lines = evaluationTable({
      model: { mae: 1.2, rmse: 2 },
      baselines: { worse: { mae: 2, rmse: 3 }, better: { mae: 1.5, rmse: 2.5 } },
      n_test: 10,
    });
    assert.match(lines[1] ?? "", /model \(GRU\)\s+1\.200\s+2\.000/);
    assert.match(lines[2] ?? "", /better/);
    assert.match(lines.at(-1) ?? "", /20\.0% lower than the best baseline \(n_test = 10\)/);
  });

  it("formats training epochs from the container's JSON log lines", () => {
    assert.equal(
      epochLine({
        msg: "epoch",
        epoch: 3,
        train_loss: 2.1,
        val_loss: 2.2,
        val_mae_hours: 1.5,
        samples_per_sec: 900,
      }),
      "epoch   3  train loss 2.100 nats  val loss 2.200 nats  val MAE 1.500 h  900 samples/s",
    );
    assert.equal(epochLine({ msg: "serving" }), undefined);
    assert.equal(
      preprocessLine({
        msg: "daily visits read",
        rows: 10,
        accepted: 8,
        rejected: { first_hour: 2 },
        invalidRawHits: 3,
        duplicateRawHits: 4,
      }),
      "daily visits: 10 read, 8 accepted, 2 rejected; 3 raw hits broke the data contract; " +
        "4 duplicate raw hits removed",
    );
    assert.equal(
      preprocessLine({ msg: "examples written", examples: { train: 5, validation: 2, test: 1 } }),
      "examples: train 5, validation 2, test 1",
    );
  });

  it("labels cross-validation: fold headers, fold MAEs, the mean, then the final model", () => {
    const lines: string[] = [];
    const reporter = new ProgressReporter((line) => lines.push(line));
    const epoch = (n: number, fold?: number) => ({
      msg: "epoch",
      ...(fold ? { cv_fold: fold } : {}),
      epoch: n,
      train_loss: 2,
      val_loss: 2.5,
      val_mae_hours: 1.5,
    });
    const records = [
      { msg: "training data", trainExamples: 10 },
      epoch(1, 1),
      epoch(2, 1),
      { msg: "cross-validation fold", cv_fold: 1, cv_fold_mae_hours: 1.61, rmse_hours: 2.5 },
      epoch(1, 2),
      { msg: "cross-validation fold", cv_fold: 2, cv_fold_mae_hours: 1.41, rmse_hours: 2.25 },
      { msg: "cross-validation", folds: 2, cv_mean_mae_hours: 1.51 },
      epoch(1),
    ];
    for (const record of records)
      reporter.onJobProgress({ jobName: "run-1-train", kind: "training", record });
    const line = "epoch   1  train loss 2.000 nats  val loss 2.500 nats  val MAE 1.500 h";
    assert.deepEqual(
      lines.map((text) => text.trim()),
      [
        "cross-validation fold 1:",
        line,
        line.replace("epoch   1", "epoch   2"),
        "fold 1: val MAE 1.610 h, RMSE 2.500 h",
        "cross-validation fold 2:",
        line,
        "fold 2: val MAE 1.410 h, RMSE 2.250 h",
        "cross-validation: mean val MAE 1.510 h over 2 folds",
        "final model (all training days, early stopping on validation):",
        line,
      ],
    );
  });

  it("builds an /invocations request from the busiest user's recent daily visits", () => {
    const header =
      "user_id,visit_date,time_spent_sec,page_views,type1_views,type2_views,type3_views,type4_views,first_hour,last_hour,hours_visited,platform";
    const csv = [
      header,
      '"a","2024-01-02","60","2","1","0","0","0","8","9","2","ios"',
      '"b","2024-01-01","10","1","0","0","0","0","7","7","1","web"',
      '"a","2024-01-01","30","1","1","0","0","0","8","8","1","ios"',
    ].join("\n");
    const request = sampleRequest(csv);
    assert.equal(request?.instances[0]?.date, "2024-01-03");
    assert.deepEqual(
      request?.instances[0]?.history.map((visit) => [visit["visit_date"], visit["first_hour"]]),
      [
        ["2024-01-01", 8],
        ["2024-01-02", 8],
      ],
    );
    assert.equal(sampleRequest(header), null);
  });

  it("renders the gate's outcome and how to query the endpoint", () => {
    const base: RunSummary = {
      status: "SUCCEEDED",
      executionName: "r2",
      startedAt: "2026-11-26T13:00:00.000Z",
      durationMs: 61_000,
      finalState: "ModelKept",
      states: [{ name: "QualityGate", type: "Task", status: "SUCCEEDED", startedAt: "", durationMs: 1 }],
      evaluation: null,
      deployed: false,
      gateReason: "rejected: the candidate on 10 test examples: its MAE 3 h is above the maximum 2 h",
      endpoint: "visits",
      modelVersion: "r1-model",
      endpointVersion: 1,
      artifacts: {},
      jobs: [
        { jobName: "r2-preprocess", kind: "processing", wallSeconds: 12.5, peakRssMb: 310 },
        { jobName: "r2-train", kind: "training", wallSeconds: 75, peakRssMb: null },
      ],
      training: { samplesPerSecond: 3310, epochs: 12, backend: "tensorflow", seconds: 58.2 },
      lineage: {
        input: {
          paths: ["hits/*.csv"],
          files: [
            { path: "/data/hits/a.csv", sizeBytes: 1_000_000, sha256: "a".repeat(64) },
            { path: "/data/hits/b.csv", sizeBytes: 500_000, sha256: "b".repeat(64) },
          ],
          sizeBytes: 1_500_000,
          sha256: "c".repeat(64),
        },
        sql: { uri: "s3://artifacts/sql/training-data-0123.sql", sha256: "d".repeat(64) },
        dataset: {
          uri: "s3://data/datasets/r2/daily-visits.csv",
          sizeBytes: 300_000,
          sha256: "e".repeat(64),
          rawHits: {
            distinct: 52_000,
            invalid: 52,
            duplicate: 12,
            invalidShare: 0.001,
            unreadableEventTime: 0,
          },
        },
        hyperparameters: { epochs: "12" },
        backend: "tensorflow",
      },
      modelPackage: null,
      notifications: [],
    };
    const options = {
      workdir: "w",
      summaryPath: "s",
      historyPath: "h",
      sampleRequestPath: "w/req.json",
      localPaths: {},
    };
    const kept = renderSummary(
      {
        ...base,
        modelPackage: { arn: "arn:aws:sagemaker:…:model-package/visits/2", version: 2, status: "Rejected" },
        notifications: [
          {
            topicArn: "arn:aws:sns:local:000000000000:visit-time-local-notifications",
            subject: "visit-time pipeline: a trained model was rejected by the quality gate",
            message:
              "Quality gate rejected: the candidate on 10 test examples: its MAE 3 h is above the maximum 2 h. …",
            messageId: "m-1",
            publishedAt: "2026-11-26T13:01:00.000Z",
          },
        ],
      },
      options,
    );
    assert.match(
      kept,
      /\nNotified arn:aws:sns:local:000000000000:visit-time-local-notifications: visit-time pipeline: a trained model was rejected by the quality gate\n/,
    );
    assert.match(
      kept,
      /\nModel registry: version 2 \(Rejected\), arn:aws:sagemaker:…:model-package\/visits\/2\n/,
    );
    assert.match(kept, /Execution r2 SUCCEEDED in 1 min 1 s \(final state: ModelKept\)/);
    assert.match(
      kept,
      /Quality gate \(model kept, endpoint unchanged\): rejected: the candidate on 10 test examples: its MAE 3 h/,
    );
    assert.match(kept, /r2-preprocess +12\.5 s {2}310 MB\n {2}r2-train +1 min 15 s {2}\?\n/);
    assert.match(kept, /training: 12 epochs in 58\.2 s, 3310 samples\/s \(tensorflow\)/);
    assert.match(kept, /Endpoint visits serves r1-model \(endpoint version 1\)/);
    assert.match(
      kept,
      /Data: hits\/\*\.csv \(2 files, 1\.5 MB, sha256 cccccccccccc\) → snapshot 0\.3 MB, sha256 eeeeeeeeeeee, 52,000 hits \(12 duplicates removed, 0\.1% invalid\); SQL sha256 dddddddddddd\n/,
    );
    assert.match(kept, /curl -s .*--data @w\/req\.json http:\/\/127\.0\.0\.1:8080\/invocations/);
    const failed = renderSummary(
      {
        ...base,
        status: "FAILED",
        error: "States.TaskFailed",
        cause: '{"FailureReason":"AlgorithmError: boom"}',
        states: [],
      },
      options,
    );
    assert.match(failed, /cause: AlgorithmError: boom/);
    assert.match(failed, /Quality gate: not reached/);

    // After an accepted update the outcome is what the endpoint serves, never "endpoint unchanged".
    const deploying = [
      { name: "QualityGate", type: "Task", status: "SUCCEEDED", startedAt: "", durationMs: 1 },
      { name: "CreateModel", type: "Task", status: "SUCCEEDED", startedAt: "", durationMs: 1 },
    ] as const;
    const afterAccepted = renderSummary(
      { ...base, status: "FAILED", states: [...deploying], deployed: true, modelVersion: "r2-model" },
      options,
    );
    assert.match(
      afterAccepted,
      /Quality gate \(deployed: the run failed after the endpoint took this model\)/,
    );
    const notAccepted = renderSummary({ ...base, status: "FAILED", states: [...deploying] }, options);
    assert.match(notAccepted, /Quality gate \(the deployment failed; the endpoint serves r1-model\)/);
    assert.doesNotMatch(afterAccepted + notAccepted, /unchanged/);
  });
});
