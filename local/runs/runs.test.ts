// End to end on two real tiny runs: list, show and compare them; promote the model the gate rejected,
// roll back, prune, promote again, and check after each step which model `npm run serve` loads.
import assert from "node:assert/strict";
import { access, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { DEFAULT_HYPERPARAMETERS } from "../../contracts/hyperparameters";
import { localPathForS3Uri } from "../../handlers/s3-uri";
import { LocalModelRegistry } from "../model-registry";
import { runPipeline, workdirLayout } from "../runner";
import { generateSampleData } from "../sample-data";
import { serveEndpoint } from "../serve";
import type { RunSummary } from "../summary";
import { HELP, main } from "./cli";

const ENDPOINT = "visit-time-runs";
const HYPERPARAMETERS = { ...DEFAULT_HYPERPARAMETERS, epochs: "1", gru_units: "8", dense_units: "8" };

describe("npm run runs, end to end", () => {
  let root = "";
  let workdir = "";
  let hits = "";
  const runs = async (...argv: string[]) => {
    const lines: string[] = [];
    const code = await main([...argv, "--workdir", workdir, "--endpoint-name", ENDPOINT], (line) =>
      lines.push(line),
    );
    return { code, text: lines.join("\n") };
  };
  /** The model `npm run serve` loads: its name and the model.tar.gz it came from. */
  const served = async () => {
    const server = await serveEndpoint({ workdir, endpointName: ENDPOINT, port: 0 });
    try {
      assert.equal((await fetch(`http://127.0.0.1:${server.port}/ping`)).status, 200);
      return { modelName: server.modelName, modelDataUrl: server.modelDataUrl, version: server.version };
    } finally {
      await server.close();
    }
  };
  const packageOf = async (run: string) => {
    const pkg = await new LocalModelRegistry(workdirLayout(workdir).registry).findByExecution(ENDPOINT, run);
    assert.ok(pkg, `${run} is registered`);
    return pkg;
  };
  const pipeline = (executionName: string, options: { maxMae?: number; force?: boolean }) =>
    runPipeline({
      workdir,
      executionName,
      input: hits,
      endpointName: ENDPOINT,
      hyperparameters: HYPERPARAMETERS,
      waitMs: 1,
      retryMs: 1,
      maxMae: options.maxMae,
      executionInput: options.force ? { ForceDeploy: true } : {},
    });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), "runs-"));
    workdir = join(root, "work");
    hits = join(root, "hits.csv");
    await generateSampleData(hits, { users: 30, days: 50, seed: 11 });
    const first = await pipeline("alpha", { force: true });
    assert.equal(first.summary.deployed, true, first.summary.cause);
    const second = await pipeline("beta", { maxMae: 0.001 });
    assert.equal(second.summary.finalState, "ModelKept", second.summary.cause);
  });
  after(() => rm(root, { recursive: true, force: true }));

  it("lists, shows and compares the runs", async () => {
    const list = await runs("list");
    assert.equal(list.code, 0);
    const [header, alpha, beta] = list.text.split("\n");
    assert.match(
      header ?? "",
      /^RUN +STATUS +STARTED \(UTC\) +DURATION +MAE h +BEST BASELINE h +VS BASELINE +GATE +REGISTRY +DEPLOYED$/,
    );
    assert.match(
      alpha ?? "",
      /^alpha +SUCCEEDED +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d .* forced +v1 Approved +serving$/,
    );
    assert.match(beta ?? "", /^beta +SUCCEEDED .* [+-]\d+\.\d% +rejected +v2 Rejected$/);
    assert.match(list.text, /Endpoint visit-time-runs serves alpha-model \(endpoint version 1\)\.$/);

    const show = await runs("show", "beta");
    assert.equal(show.code, 0);
    assert.match(show.text, /^Run beta\n {2}status {6}SUCCEEDED \(final state ModelKept\)/);
    assert.match(show.text, /gate {8}rejected: .*above the maximum 0\.001 h/);
    assert.match(show.text, new RegExp(`Data: ${hits.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\(1 file, `));
    assert.match(
      show.text,
      /Model package arn:aws:sagemaker:us-east-1:000000000000:model-package\/visit-time-runs\/2: Rejected/,
    );
    assert.match(show.text, /Rejected +by quality gate: quality gate rejected: /);

    const compare = await runs("compare", "alpha", "beta");
    assert.equal(compare.code, 0);
    assert.match(compare.text, /\* gate +forced +rejected/);
    assert.match(compare.text, /\* champion MAE +— +[\d.]+ \(alpha-model\)/);
    assert.match(compare.text, / {2}epochs +1 +1/, "same hyperparameters are not marked");
    assert.match(compare.text, / {2}input sha256 +([0-9a-f]{16}) +\1/, "same input, same digest");
    assert.match(compare.text, /\n. Train +[\d.]+ s +[\d.]+ s/);
  });

  it("names an unknown run, a missing --reason and a missing argument, and has --help for every command", async () => {
    const errors: string[] = [];
    const original = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      assert.equal((await runs("show", "gamma")).code, 2);
      assert.equal((await runs("compare", "alpha", "gamma")).code, 2);
      assert.equal((await runs("promote", "beta")).code, 2);
      assert.equal((await runs("compare", "alpha")).code, 2);
      assert.equal((await runs("frobnicate")).code, 2);
    } finally {
      console.error = original;
    }
    assert.match(errors[0] ?? "", /No run named "gamma" in .*runs\. Runs: alpha, beta\./);
    assert.match(errors[1] ?? "", /No run named "gamma"/);
    assert.match(errors[2] ?? "", /promote needs --reason <text>/);
    assert.match(errors[3] ?? "", /compare takes 2 run names, got "alpha"/);
    assert.match(
      errors[4] ?? "",
      /Unknown command "frobnicate": use one of list, show, compare, promote, rollback, prune/,
    );
    for (const command of Object.keys(HELP)) {
      const help = await runs(command, "--help");
      assert.equal(help.code, 0);
      assert.ok(help.text.startsWith(`Usage: npm run runs -- ${command}`), help.text);
    }
  });

  it("promotes the rejected model, rolls back, prunes, and promotes again; serve loads the expected model", async () => {
    const [alpha, beta] = [await packageOf("alpha"), await packageOf("beta")];
    assert.deepEqual(await served(), {
      modelName: "alpha-model",
      modelDataUrl: alpha.InferenceSpecification.Containers[0]?.ModelDataUrl,
      version: 1,
    });

    const promoted = await runs(
      "promote",
      "beta",
      "--reason",
      "the champion's users moved",
      "--wait-ms",
      "1",
    );
    assert.equal(promoted.code, 0, promoted.text);
    assert.match(
      promoted.text,
      /Endpoint visit-time-runs serves beta-model \(endpoint version 2\), the model of run beta\./,
    );
    // The pipeline's own deployment states, from CreateModel (the gate never created beta's model).
    assert.match(
      promoted.text,
      /through CreateModel → CreateEndpointConfig → CheckEndpoint → EndpointExists → UpdateEndpoint → WaitForEndpoint → EndpointStatus → CountEndpointPoll → EndpointInService → .*Deployed/,
    );
    assert.deepEqual(await served(), {
      modelName: "beta-model",
      modelDataUrl: beta.InferenceSpecification.Containers[0]?.ModelDataUrl,
      version: 2,
    });
    const approved = await packageOf("beta");
    assert.equal(approved.ModelApprovalStatus, "Approved");
    assert.equal(approved.ApprovalDescription, "promoted by hand: the champion's users moved");
    assert.match((await runs("list")).text, /\nbeta .* v2 Approved +serving\n/);

    const back = await runs("rollback", "--reason", "beta misbehaves", "--wait-ms", "1");
    assert.equal(back.code, 0, back.text);
    assert.match(back.text, /serves alpha-model \(endpoint version 3\), the model of run alpha\./);
    assert.match(back.text, /through CheckEndpoint → EndpointExists → UpdateEndpoint/);
    assert.deepEqual((await served()).modelName, "alpha-model");
    assert.match((await runs("list")).text, /\nalpha .* serving\nbeta .* earlier \(v2\)\n/);

    const layout = workdirLayout(workdir);
    const pruned = await runs("prune", "--keep", "1");
    assert.equal(pruned.code, 0, pruned.text);
    assert.match(pruned.text, /Freed [\d.]+ MB in \d+ paths; every record and model is kept\.$/);
    // Job folders keep their records only; alpha's data is gone, beta's (the newest run) is kept.
    for (const job of await readdir(layout.jobs)) {
      assert.deepEqual(
        (await readdir(join(layout.jobs, job)))
          .sort()
          .filter((f) => !["job.json", "kind.json", "process.json", "logs.txt"].includes(f)),
        [],
        job,
      );
    }
    const alphaSummary = JSON.parse(
      await readFile(join(layout.runs, "alpha", "summary.json"), "utf8"),
    ) as RunSummary;
    await assert.rejects(access(localPathForS3Uri(layout.s3, alphaSummary.artifacts["dataset"] ?? "")));
    await access(join(layout.runs, "alpha", "summary.json"));
    await access(
      localPathForS3Uri(layout.s3, alpha.InferenceSpecification.Containers[0]?.ModelDataUrl ?? ""),
    );

    // beta's model and config exist now: promote goes straight to CheckEndpoint, and serve loads it.
    const again = await runs("promote", "beta", "--reason", "fixed upstream", "--wait-ms", "1");
    assert.equal(again.code, 0, again.text);
    assert.match(again.text, /through CheckEndpoint → /);
    assert.equal((await served()).modelName, "beta-model");
    assert.equal(
      (await runs("promote", "beta", "--reason", "again")).text,
      "Endpoint visit-time-runs already serves beta-model (run beta): nothing to do.",
    );
  });
});
