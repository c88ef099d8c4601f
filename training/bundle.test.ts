// The image runs the esbuild bundle, not the TypeScript: build it as the Dockerfile does and run it.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { generatedDailyVisits, tempDir } from "./test-support/fixtures";
import { containerPaths } from "./runtime/paths";

const REPO = join(__dirname, "..");

const VISIT = {
  visit_date: "2024-02-27",
  time_spent_sec: 60,
  page_views: 3,
  type1_views: 1,
  type2_views: 1,
  type3_views: 1,
  type4_views: 0,
  first_hour: 8,
  last_hour: 9,
  hours_visited: 2,
  platform: "Android",
};

describe("the esbuild bundle (npm run build:training)", () => {
  it("builds and runs preprocess and train (WASM backend) from the bundle", async () => {
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const build = spawnSync(npm, ["run", "--silent", "build:training"], { cwd: REPO, encoding: "utf8" });
    assert.equal(build.status, 0, build.stderr);
    const bundle = join(REPO, "dist/training/main.js");
    assert.match(
      readFileSync(bundle, "utf8"),
      /require\("@tensorflow\/tfjs"\)/,
      "TensorFlow.js stays external",
    );

    const help = spawnSync(process.execPath, [bundle, "train", "--help"], { encoding: "utf8" });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: main train/);

    const paths = containerPaths({ VT_ML_ROOT: tempDir("vt-bundle-") });
    mkdirSync(paths.preprocessInput, { recursive: true });
    cpSync(
      await generatedDailyVisits(tempDir(), { users: 5, days: 40, seed: 6 }),
      join(paths.preprocessInput, "daily.csv"),
    );
    const run = spawnSync(process.execPath, [bundle, "preprocess"], {
      env: { ...process.env, VT_ML_ROOT: paths.root },
      encoding: "utf8",
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /"msg":"examples written"/);

    cpSync(paths.preprocessOutput, paths.trainingChannel, { recursive: true });
    mkdirSync(join(paths.root, "input/config"), { recursive: true });
    writeFileSync(paths.hyperparameters, JSON.stringify({ epochs: "1", gru_units: "4", dense_units: "4" }));
    const trained = spawnSync(process.execPath, [bundle, "train"], {
      env: { ...process.env, VT_ML_ROOT: paths.root },
      encoding: "utf8",
    });
    assert.equal(trained.status, 0, trained.stderr);
    assert.match(trained.stdout, /"msg":"tensorflow backend","backend":"wasm"/);
    // Two threads share each batch by default on WASM: the second runs gradient-worker.js beside main.js.
    assert.match(trained.stdout, /"msg":"epoch".*"threads":2/);
    assert.ok(existsSync(join(paths.modelDir, "model.json")));

    // The endpoint from the bundle: its HTTP process runs http-process.js beside it, and that process's
    // inference workers inference-worker.js.
    const serving = spawn(process.execPath, [bundle, "serve", "--port", "0", "--workers", "2"], {
      env: { ...process.env, VT_ML_ROOT: paths.root },
    });
    const exited = new Promise<number | null>((resolve) => serving.once("exit", resolve));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = "";
        serving.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const line = /"msg":"serving".*/.exec(out)?.[0];
          if (line !== undefined) resolve(Number(/"port":(\d+)/.exec(line)?.[1]));
        });
        serving.once("exit", (code) => reject(new Error(`serve exited with ${code}: ${out}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/invocations`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ instances: [{ date: "2024-03-01", history: [VISIT] }] }),
      });
      assert.equal(response.status, 200, await response.clone().text());
      const { predictions } = (await response.json()) as { predictions: { hour: number }[] };
      assert.equal(predictions.length, 1);
      assert.ok(Number.isInteger(predictions[0]!.hour));
      serving.kill("SIGTERM");
      assert.equal(await exited, 0);
    } finally {
      serving.kill("SIGKILL");
    }
  });
});
