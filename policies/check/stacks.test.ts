// The project's own program passes the policy pack for both stacks, as CI checks it (each stack in its
// own process: the Pulumi runtime is process-global).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(__dirname, "..", "..");

function check(stack: string): Promise<{ status: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", join("policies", "check", "cli.ts"), "--stack", stack],
      {
        cwd: ROOT,
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (status) => resolveRun({ status, output }));
  });
}

describe("policy:check on the project's program", { concurrency: true }, () => {
  for (const stack of ["dev", "prod"]) {
    it(`has no mandatory violation for stack ${stack}`, async () => {
      const run = await check(stack);
      assert.equal(run.status, 0, run.output);
      assert.match(run.output, new RegExp(`for stack ${stack} with policies/config/${stack}\\.json`));
      assert.match(run.output, /\d+ resources checked: 0 mandatory/);
    });
  }
});
