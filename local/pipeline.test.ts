// End to end on small data, with the real definition, handlers and training container: from a fresh
// workdir to a served model queried over HTTP, then the fault paths (a throttled Lambda retried, a failing
// training job, a rejected gate, bad input) and what they must leave untouched.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEFAULT_HYPERPARAMETERS } from "../contracts/hyperparameters";
import { LocalEndpointRegistry } from "./endpoint-registry";
import { endpointLockPath } from "./endpoint-lock";
import { parseFaultSpec } from "./faults";
import { LocalModelRegistry } from "./model-registry";
import { generateSampleData } from "./sample-data";
import { runPipeline, workdirLayout, type PipelineRunOptions } from "./runner";
import { serveEndpoint } from "./serve";
import { readableCause, type RunSummary } from "./summary";

const ENDPOINT = "visit-time-test";
const lines = (text: string) => text.trimEnd().split("\n").length;
// Tiny data and one epoch: enough for every stage to do real work, fast on two cores. Such a model does
// not beat the baselines, so the runs that must deploy it say ForceDeploy (the gate's rule has its own
// tests in handlers/); what these prove is that the champion is scored and the decision reaches the summary.
const TINY = { users: 30, days: 50, seed: 7 };
const HYPERPARAMETERS = { ...DEFAULT_HYPERPARAMETERS, epochs: "1", gru_units: "8", dense_units: "8" };
/** The sample's first hits, given a second time: exact duplicates, removed and counted by the SQL. */
const DUPLICATED_HITS = 25;

describe("the local pipeline, end to end", () => {
  let root = "";
  let workdir = "";
  let hits = "";
  const registry = () => new LocalEndpointRegistry(workdirLayout(workdir).registry);
  const packages = () => new LocalModelRegistry(workdirLayout(workdir).registry);
  const run = (executionName: string, options: Partial<PipelineRunOptions> = {}) =>
    runPipeline({
      workdir,
      executionName,
      input: hits,
      endpointName: ENDPOINT,
      hyperparameters: HYPERPARAMETERS,
      waitMs: 1,
      retryMs: 1,
      ...options,
    });
  const names = (summary: RunSummary) => summary.states.map((state) => state.name);

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "pipeline-"));
    workdir = join(root, "work");
    hits = join(root, "hits.csv");
    await generateSampleData(hits, TINY);
    const sample = (await readFile(hits, "utf8")).trimEnd().split("\n");
    await writeFile(hits, `${[...sample, ...sample.slice(1, 1 + DUPLICATED_HITS)].join("\n")}\n`);
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("runs from a fresh workdir to a served model, retrying a throttled Lambda on the way", async () => {
    const result = await run("first", {
      faults: [parseFaultSpec("StartQuery:Lambda.TooManyRequestsException:2")],
      executionInput: { ForceDeploy: true },
    });
    const { summary } = result;
    assert.equal(summary.status, "SUCCEEDED", summary.cause);
    assert.equal(summary.finalState, "Deployed");
    assert.equal(summary.deployed, true);
    assert.equal(summary.modelVersion, "first-model");
    assert.equal(summary.endpointVersion, 1);
    assert.match(
      summary.gateReason,
      /ForceDeploy.*: the candidate on \d+ test examples: .*this model will be its first$/,
    );
    assert.ok(!names(summary).includes("EvaluateWithChampion"));
    assert.deepEqual(
      summary.states
        .filter((state) => state.name === "StartQuery")
        .map((state) => [state.status, state.error]),
      [
        ["RETRIED", "Lambda.TooManyRequestsException"],
        ["RETRIED", "Lambda.TooManyRequestsException"],
        ["SUCCEEDED", undefined],
      ],
    );
    // The loops ran: the query was polled until it succeeded, the endpoint until it was InService.
    assert.ok(names(summary).filter((name) => name === "WaitForQuery").length >= 1);
    assert.ok(names(summary).filter((name) => name === "WaitForEndpoint").length >= 2);
    assert.equal(typeof summary.evaluation?.model.mae, "number");
    assert.ok(Object.keys(summary.evaluation?.baselines ?? {}).includes("last_visit_first_hour"));
    assert.deepEqual(JSON.parse(await readFile(result.summaryPath, "utf8")), summary);
    const history = JSON.parse(await readFile(result.historyPath, "utf8")) as { type: string }[];
    assert.equal(history.at(-1)?.type, "ExecutionSucceeded");
    // What each SageMaker job cost: its wall time and the peak RSS its process logged as it ended.
    assert.deepEqual(
      summary.jobs.map((job) => [job.jobName, job.kind]),
      [
        ["first-preprocess", "processing"],
        ["first-train", "training"],
        ["first-evaluate", "processing"],
      ],
    );
    for (const job of summary.jobs) {
      assert.ok(job.wallSeconds > 0 && (job.peakRssMb ?? 0) > 30, JSON.stringify(job));
    }
    assert.ok(summary.training && summary.training.epochs >= 1 && summary.training.samplesPerSecond > 0);
    // Lineage: the input as given with its size and digest, the SQL, the snapshot, hyperparameters, backend.
    const { lineage } = summary;
    const hitsBytes = await readFile(hits);
    assert.deepEqual(lineage.input.paths, [hits]);
    assert.equal(lineage.input.sizeBytes, hitsBytes.length);
    assert.equal(lineage.input.sha256, createHash("sha256").update(hitsBytes).digest("hex"));
    assert.match(lineage.sql.uri, /^s3:\/\/.*\/sql\/training-data-[0-9a-f]{16}\.sql$/);
    assert.ok(lineage.sql.uri.includes(lineage.sql.sha256.slice(0, 16)));
    assert.equal(lineage.dataset?.uri, result.summary.artifacts["dataset"]);
    assert.match(lineage.dataset?.sha256 ?? "", /^[0-9a-f]{64}$/);
    // Exact duplicates: counted once, their copies reported by the snapshot and by preprocess's report.
    assert.equal(lineage.dataset?.rawHits?.duplicate, DUPLICATED_HITS);
    assert.equal(lineage.dataset?.rawHits?.invalid, 0);
    assert.equal(lineage.dataset?.rawHits?.distinct, lines(hitsBytes.toString()) - 1 - DUPLICATED_HITS);
    const preprocessReport = JSON.parse(
      await readFile(join(result.localPaths["preprocessed"] ?? "", "report.json"), "utf8"),
    ) as { input: { duplicateRawHits: number } };
    assert.equal(preprocessReport.input.duplicateRawHits, DUPLICATED_HITS);
    assert.deepEqual(lineage.hyperparameters, HYPERPARAMETERS);
    assert.equal(lineage.backend, summary.training.backend);
    // Registered: version 1 of the endpoint's group, approved by the gate (forced), with the same lineage.
    assert.deepEqual(summary.modelPackage, {
      arn: "arn:aws:sagemaker:us-east-1:000000000000:model-package/visit-time-test/1",
      version: 1,
      status: "Approved",
    });
    const [registered] = await packages().list(ENDPOINT);
    assert.deepEqual(registered?.lineage, lineage);
    assert.equal(registered?.modelName, "first-model");
    assert.equal(registered?.ApprovalDescription, `quality gate ${summary.gateReason}`);
    assert.equal(registered?.metrics.model.mae, summary.evaluation?.model.mae);
    assert.equal(registered?.InferenceSpecification.Containers[0]?.ModelDataUrl, summary.artifacts["model"]);
    // The definition's RegisterApprovedModel Task created it (CreateModelPackage, answered locally), with
    // the metadata the cloud's package gets, completed with what only the local run knows.
    assert.ok(names(summary).indexOf("RegisterApprovedModel") < names(summary).indexOf("CreateModel"));
    assert.equal(registered?.ModelPackageDescription, `first: quality gate ${summary.gateReason}`);
    assert.equal(registered?.CustomerMetadataProperties["gateForced"], "true");
    assert.equal(registered?.CustomerMetadataProperties["hp.epochs"], "1");
    assert.equal(registered?.CustomerMetadataProperties["inputSha256"], lineage.input.sha256);
    assert.deepEqual(summary.notifications, []);

    const server = await serveEndpoint({ workdir, endpointName: ENDPOINT, port: 0 });
    try {
      assert.equal(server.modelName, "first-model");
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/ping`)).status, 200);
      assert.ok(result.sampleRequestPath, "a sample request is written from the dataset");
      const response = await fetch(`http://127.0.0.1:${server.port}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: await readFile(result.sampleRequestPath, "utf8"),
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { predictions: { hour: number }[] };
      const hour = body.predictions[0]?.hour ?? -1;
      assert.ok(Number.isInteger(hour) && hour >= 0 && hour <= 23, `hour ${hour}`);
    } finally {
      await server.close();
    }
  });

  it("keeps the endpoint unchanged when the gate rejects the model, and says so on the topic", async () => {
    const printed: string[] = [];
    const { summary, runDir } = await run("rejected", { maxMae: 0.001, write: (line) => printed.push(line) });
    assert.equal(summary.status, "SUCCEEDED", summary.cause);
    assert.equal(summary.finalState, "ModelKept");
    assert.equal(summary.deployed, false);
    assert.match(summary.gateReason, /^rejected: .*its MAE [\d.]+ h is above the maximum 0\.001 h; /);
    // The endpoint's model was scored by this run's Evaluate job, on the same test examples.
    assert.equal(
      summary.evaluation?.["champion"] &&
        (summary.evaluation["champion"] as { model_name: string }).model_name,
      "first-model",
    );
    assert.ok(names(summary).includes("EvaluateWithChampion"));
    assert.equal(summary.modelVersion, "first-model");
    assert.equal((await registry().currentDeployment(ENDPOINT))?.version, 1);
    assert.ok(!names(summary).includes("CreateModel"));
    // A rejected model is registered too, Rejected, with the champion it lost to and the gate's sentence.
    const rejected = await packages().findByExecution(ENDPOINT, "rejected");
    assert.equal(rejected?.ModelApprovalStatus, "Rejected");
    assert.equal(rejected?.metrics.champion?.modelName, "first-model");
    assert.equal(rejected?.ApprovalDescription, `quality gate ${summary.gateReason}`);
    assert.deepEqual(names(summary).slice(-3), ["RegisterRejectedModel", "NotifyRejection", "ModelKept"]);
    // The notice: recorded in summary.json and notifications.jsonl, and printed, with the gate's sentence.
    assert.equal(summary.notifications.length, 1);
    const [notice] = summary.notifications;
    assert.equal(notice?.topicArn, "arn:aws:sns:us-east-1:000000000000:visit-time-local-notifications");
    assert.equal(notice?.subject, "visit-time pipeline: a trained model was rejected by the quality gate");
    assert.ok(
      notice?.message.startsWith(`Quality gate ${summary.gateReason}. Execution rejected registered`),
    );
    assert.ok(notice?.message.includes(`${rejected?.ModelPackageArn} (Rejected)`));
    const logged = (await readFile(join(runDir, "notifications.jsonl"), "utf8")).trim().split("\n");
    assert.deepEqual(
      logged.map((line) => JSON.parse(line) as unknown),
      [notice],
    );
    assert.ok(printed.some((line) => line.includes(notice?.message ?? "(none)")));
  });

  it("updates the endpoint when a later run is deployed, having compared it with the champion", async () => {
    // A status check that fails once UpdateEndpoint was accepted (issue 15, finding 2) no longer ends the
    // run as "endpoint unchanged" while the update goes on: the run waits for the endpoint to settle.
    const { summary } = await run("second", {
      executionInput: { ForceDeploy: true },
      faults: [parseFaultSpec("EndpointStatus:States.TaskFailed")],
    });
    assert.equal(summary.status, "SUCCEEDED", summary.cause);
    assert.match(summary.gateReason, /the champion first-model \([\d.]+ h on the same \d+ test examples\)/);
    assert.ok(names(summary).includes("UpdateEndpoint"));
    assert.ok(names(summary).includes("EndpointStatusUnknown"));
    assert.equal(summary.finalState, "Deployed");
    assert.equal(summary.deployed, true);
    const deployment = await registry().currentDeployment(ENDPOINT);
    assert.equal(deployment?.modelName, "second-model");
    assert.deepEqual(
      deployment?.history.map((entry) => [entry.version, entry.modelName]),
      [
        [1, "first-model"],
        [2, "second-model"],
      ],
    );
  });

  it("deploys one run at a time: a run finding the endpoint held waits, then fails naming the holder", async () => {
    // Another live run holds the endpoint (issue 15, finding 3): this process, under another run's name.
    const lockPath = endpointLockPath(workdirLayout(workdir).registry, ENDPOINT);
    await mkdir(dirname(lockPath), { recursive: true });
    const holder = { executionName: "someone-else", pid: process.pid, hostname: hostname(), acquiredAt: "x" };
    await writeFile(lockPath, JSON.stringify(holder));
    try {
      const { summary } = await run("blocked", {
        executionInput: { ForceDeploy: true },
        endpointLockWaitMs: 300,
      });
      assert.equal(summary.status, "FAILED");
      assert.equal(summary.finalState, "DeploymentFailed");
      assert.equal(summary.error, "EndpointDeploymentInProgress");
      assert.match(
        readableCause(summary.cause ?? ""),
        /^Endpoint visit-time-test is being deployed by run someone-else \(process \d+ on .*\); waited \d+ s/,
      );
      assert.equal(summary.deployed, false);
      assert.equal(summary.modelVersion, "second-model");
      assert.equal((await registry().currentDeployment(ENDPOINT))?.history.length, 2);
      assert.deepEqual(
        JSON.parse(await readFile(lockPath, "utf8")),
        holder,
        "the holder's lock is left alone",
      );
    } finally {
      await rm(lockPath);
    }
  });

  it("ends a failing training job in TrainingFailed with the container's reason", async () => {
    const { summary } = await run("bad-training", {
      hyperparameters: { ...HYPERPARAMETERS, epochs: "0" },
      maxMae: 12,
    });
    assert.equal(summary.status, "FAILED");
    assert.equal(summary.finalState, "TrainingFailed");
    assert.equal(summary.error, "States.TaskFailed");
    const cause = JSON.parse(summary.cause ?? "{}") as { TrainingJobStatus?: string; FailureReason?: string };
    assert.equal(cause.TrainingJobStatus, "Failed");
    assert.match(cause.FailureReason ?? "", /epochs/);
    assert.equal(summary.deployed, false);
    assert.equal(summary.modelVersion, "second-model", "the endpoint keeps serving the previous model");
    assert.equal(summary.modelPackage, null, "no evaluated model, nothing registered");

    // The same Fail state through fault injection: the definition's own Catch routes the injected error.
    const injected = await run("injected-training-failure", {
      faults: [parseFaultSpec("Train:States.TaskFailed")],
    });
    assert.equal(injected.summary.finalState, "TrainingFailed");
    assert.match(injected.summary.cause ?? "", /Injected by --fail-state Train:States.TaskFailed:1/);
    assert.equal(injected.summary.modelVersion, "second-model");
  });

  it("fails a run on missing or contract-breaking input in QueryFailed, naming the problem", async () => {
    const missing = await run("missing-input", { input: join(root, "no-such-file.csv") });
    assert.equal(missing.summary.finalState, "QueryFailed");
    assert.equal(missing.summary.error, "SourceDataUnreadable");
    assert.match(missing.summary.cause ?? "", /no-such-file\.csv/);

    const broken = join(root, "broken.csv");
    await writeFile(
      broken,
      "visitor,event_time,page_type,time_spent_sec,platform\nu1,2024-01-01 08:00:00,1,30,ios\n",
    );
    const contract = await run("broken-input", { input: broken });
    assert.equal(contract.summary.finalState, "QueryFailed");
    assert.equal(contract.summary.error, "SourceDataUnreadable");
    assert.match(
      contract.summary.cause ?? "",
      /lacks the required column\(s\) user_id \(it has: visitor, event_time/,
    );
    assert.equal((await registry().currentDeployment(ENDPOINT))?.modelName, "second-model");
  });

  it("fails a run in DataQualityFailed, untrained, when more raw hits break the contract than allowed", async () => {
    const mostlyBroken = join(root, "mostly-broken.csv");
    const [header, ...body] = (await readFile(hits, "utf8")).trimEnd().split("\n");
    // One hit in five with a negative time spent: 20 % of the distinct hits, above the default 5 %.
    const sample = body
      .slice(0, 500)
      .map((line, i) => (i % 5 === 0 ? line.replace(/,[^,]*,([^,]*)$/, ",-1,$1") : line));
    await writeFile(mostlyBroken, `${[header, ...sample].join("\n")}\n`);
    const { summary } = await run("mostly-broken", { input: mostlyBroken });
    assert.equal(summary.status, "FAILED");
    assert.equal(summary.finalState, "DataQualityFailed");
    assert.equal(summary.error, "TooManyInvalidHits");
    assert.match(
      readableCause(summary.cause ?? ""),
      /^20% of the raw hits broke the raw-hits contract \(100 of 500 distinct hits\), more than the allowed 5%/,
    );
    assert.ok(!names(summary).includes("Preprocess"), "nothing is trained");
    assert.equal(summary.lineage.dataset, null, "nothing is snapshotted");
    // The same data passes with the threshold raised (--max-invalid-share), as far as the snapshot.
    const allowed = await run("mostly-broken-allowed", {
      input: mostlyBroken,
      maxInvalidHitShare: 0.25,
      faults: [parseFaultSpec("Preprocess:States.TaskFailed:1")],
    });
    assert.equal(allowed.summary.lineage.dataset?.rawHits?.invalidShare, 0.2);
    assert.equal(allowed.summary.finalState, "PreprocessFailed");
  });

  it("fails a run whose query returns no rows in SnapshotFailed, saying so", async () => {
    const empty = join(root, "empty.csv");
    await writeFile(empty, "user_id,event_time,page_type,time_spent_sec,platform\n");
    const { summary } = await run("empty-input", { input: empty });
    assert.equal(summary.status, "FAILED");
    assert.equal(summary.finalState, "SnapshotFailed");
    assert.equal(summary.error, "EmptyQueryResult");
    assert.match(readableCause(summary.cause ?? ""), /returned no rows/);
    assert.equal((await registry().currentDeployment(ENDPOINT))?.modelName, "second-model");
  });

  it("refuses an execution name that exists, leaving the first run's artifacts as they were", async () => {
    const summaryPath = join(workdirLayout(workdir).runs, "first", "summary.json");
    const before = await readFile(summaryPath, "utf8");
    await assert.rejects(() => run("first"), {
      name: "UsageError",
      message: /"first" already exists.*SUCCEEDED/,
    });
    assert.equal(await readFile(summaryPath, "utf8"), before);
    await assert.rejects(() => run("ok", { executionInput: { Model: "x" } }), {
      message: /Unknown execution input key\(s\): Model/,
    });
  });

  it("deploys a rejected model when the execution input forces it, taking over a dead run's lock", async () => {
    const lockPath = endpointLockPath(workdirLayout(workdir).registry, ENDPOINT);
    const exited = spawnSync(process.execPath, ["-e", ""]).pid;
    await writeFile(
      lockPath,
      JSON.stringify({ executionName: "killed", pid: exited, hostname: hostname(), acquiredAt: "x" }),
    );
    const { summary } = await run("forced", { maxMae: 0.001, executionInput: { ForceDeploy: true } });
    await assert.rejects(() => readFile(lockPath), { code: "ENOENT" }, "released when the run ended");
    assert.equal(summary.status, "SUCCEEDED", summary.cause);
    assert.equal(summary.deployed, true);
    assert.match(
      summary.gateReason,
      /^forced by ForceDeploy although the gate rejects it: .*above the maximum 0\.001 h/,
    );
    assert.equal((await registry().currentDeployment(ENDPOINT))?.version, 3);
  });
});
