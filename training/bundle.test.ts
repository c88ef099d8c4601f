// The image runs the esbuild bundle, not the TypeScript: build it as the Dockerfile does and run it.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { generatedDailyVisits, tempDir } from "./test-support/fixtures";
import { containerPaths } from "./runtime/paths";

const REPO = join(__dirname, "..");

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
    assert.ok(existsSync(join(paths.modelDir, "model.json")));
  });
});
