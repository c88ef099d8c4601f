// The container entry points as child processes, laid out like SageMaker jobs in temporary ML_ROOTs.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { main } from "./main";
import { packModelDir } from "./model/archive";
import { TRAINING_METRIC_DEFINITIONS } from "../contracts/metrics";
import { captureOutput } from "./test-support/capture";
import { generatedDailyVisits, tempDir } from "./test-support/fixtures";
import { containerPaths } from "./runtime/paths";

const MAIN = join(__dirname, "main.ts");

function run(entry: string, root: string, args: string[] = []) {
  const result = spawnSync(process.execPath, ["--import", "tsx", MAIN, entry, ...args], {
    env: { ...process.env, VT_ML_ROOT: root },
    encoding: "utf8",
    timeout: 90_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Every line an entry point prints is one JSON object. */
function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("container entry points (child processes)", () => {
  it("run preprocess → train → evaluate on tiny data", async () => {
    const pre = containerPaths({ VT_ML_ROOT: tempDir("vt-pre-") });
    const csv = await generatedDailyVisits(tempDir(), { users: 10, days: 50, seed: 2 });
    mkdirSync(pre.preprocessInput, { recursive: true });
    cpSync(csv, join(pre.preprocessInput, "part-0.csv"));
    const preprocessed = run("preprocess", pre.root, ["--history-length", "7"]);
    assert.equal(preprocessed.code, 0, preprocessed.stderr);
    jsonLines(preprocessed.stdout);

    const trainRoot = containerPaths({ VT_ML_ROOT: tempDir("vt-train-") });
    cpSync(pre.preprocessOutput, trainRoot.trainingChannel, { recursive: true });
    mkdirSync(join(trainRoot.root, "input/config"), { recursive: true });
    writeFileSync(
      trainRoot.hyperparameters,
      JSON.stringify({ epochs: "2", batch_size: "64", gru_units: "8", dense_units: "8", cv_folds: "2" }),
    );
    const trained = run("train", trainRoot.root);
    assert.equal(trained.code, 0, trained.stderr);
    const lines = jsonLines(trained.stdout);
    assert.ok(lines.some((line) => line["msg"] === "tensorflow backend"));
    const epochLines = trained.stdout.split("\n").filter((line) => line.includes('"msg":"epoch"'));
    assert.equal(epochLines.length, 2 * 3, "2 epochs for each of 2 folds and the final model");
    for (const name of ["train:loss", "validation:loss", "validation:mae_hours"]) {
      const definition = TRAINING_METRIC_DEFINITIONS.find((d) => d.Name === name)!;
      const value = new RegExp(definition.Regex).exec(epochLines.at(-1)!)?.[1];
      assert.ok(value !== undefined && Number.isFinite(Number(value)), `${name} in ${epochLines.at(-1)}`);
    }
    assert.ok(/"cv_mean_mae_hours":[0-9.]+/.test(trained.stdout));
    for (const file of ["model.json", "weights.bin", "normalisation.json", "metadata.json"]) {
      assert.ok(existsSync(join(trainRoot.modelDir, file)), file);
    }

    const evalRoot = containerPaths({ VT_ML_ROOT: tempDir("vt-eval-") });
    await packModelDir(trainRoot.modelDir, evalRoot.evaluateModelArchive);
    cpSync(pre.preprocessOutput, evalRoot.evaluateData, { recursive: true });
    const evaluated = run("evaluate", evalRoot.root);
    assert.equal(evaluated.code, 0, evaluated.stderr);
    const evaluation = JSON.parse(readFileSync(join(evalRoot.evaluationDir, "evaluation.json"), "utf8")) as {
      model: { mae: number; rmse: number };
      baselines: Record<string, { mae: number; rmse: number }>;
      n_test: number;
      cross_validation: { folds: unknown[]; mean_mae: number };
    };
    assert.ok(
      evaluation.model.mae >= 0 &&
        evaluation.model.mae <= 12 &&
        evaluation.model.rmse >= evaluation.model.mae,
    );
    assert.deepEqual(Object.keys(evaluation.baselines).sort(), [
      "last_visit_first_hour",
      "same_weekday_last_seen",
      "user_median_first_hour",
    ]);
    assert.ok(evaluation.n_test > 0);
    assert.equal(evaluation.cross_validation.folds.length, 2);

    // serve the trained model on $SAGEMAKER_BIND_TO_PORT (0: any free port), then stop it with SIGTERM.
    const server = spawn(process.execPath, ["--import", "tsx", MAIN, "serve"], {
      env: { ...process.env, VT_ML_ROOT: trainRoot.root, SAGEMAKER_BIND_TO_PORT: "0" },
    });
    const exited = new Promise<number | null>((resolve) => server.on("exit", resolve));
    const port = await new Promise<number>((resolve, reject) => {
      let output = "";
      server.stdout.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const match = /"msg":"serving","port":(\d+)/.exec(output);
        if (match) resolve(Number(match[1]));
      });
      server.on("exit", () => reject(new Error(`serve exited before listening: ${output}`)));
    });
    assert.equal((await fetch(`http://127.0.0.1:${port}/ping`)).status, 200);
    server.kill("SIGTERM");
    assert.equal(await exited, 0);
  });

  it("fail with a named reason in the failure file and a non-zero exit", () => {
    const root = containerPaths({ VT_ML_ROOT: tempDir("vt-fail-") });
    mkdirSync(root.preprocessInput, { recursive: true });
    writeFileSync(join(root.preprocessInput, "a.csv"), "user_id,visit_date\nu1,2024-01-01\n");
    const preprocessed = run("preprocess", root.root);
    assert.equal(preprocessed.code, 1);
    assert.match(
      readFileSync(root.failureFile, "utf8"),
      /lacks required column\(s\) time_spent_sec, page_views/,
    );
    // A processing job's ExitMessage file carries the same reason.
    assert.equal(readFileSync(root.processingMessageFile, "utf8"), readFileSync(root.failureFile, "utf8"));
    const error = jsonLines(preprocessed.stderr).find((line) => line["level"] === "error");
    assert.match(String(error?.["msg"]), /preprocess failed: .*lacks required column/);

    mkdirSync(join(root.root, "input/config"), { recursive: true });
    writeFileSync(root.hyperparameters, JSON.stringify({ epochs: "many" }));
    assert.equal(run("train", root.root).code, 1);
    assert.match(readFileSync(root.failureFile, "utf8"), /hyperparameter "epochs" must be an integer/);

    assert.equal(run("evaluate", root.root).code, 1);
    assert.match(readFileSync(root.failureFile, "utf8"), /evaluate failed: .*dataset\.json is missing/);

    assert.equal(run("preprocess", root.root, ["--history-length", "zero"]).code, 1);
    assert.match(readFileSync(root.failureFile, "utf8"), /--history-length must be a number/);
  });

  it("print --help for every entry point", async () => {
    for (const entry of ["preprocess", "train", "evaluate", "serve"]) {
      const { result: code, text } = await captureOutput(process.stdout, () =>
        main([entry, "--help"], { VT_ML_ROOT: "/tmp/ml" }),
      );
      assert.equal(code, 0);
      assert.match(text, new RegExp(`Usage: main ${entry}`));
      assert.match(text, /VT_ML_ROOT/);
      assert.match(text, /\/tmp\/ml\//, "defaults derive from VT_ML_ROOT");
    }
    const usage = await captureOutput(process.stdout, () => main(["--help"]));
    assert.equal(usage.result, 0);
    assert.match(usage.text, /preprocess\|train\|evaluate\|serve/);
  });

  it("refuse an unknown entry point with exit code 2", () => {
    const result = run("bogus", tempDir());
    assert.equal(result.code, 2);
    assert.match(result.stderr, /unknown entry point \\"bogus\\"/);
  });
});
