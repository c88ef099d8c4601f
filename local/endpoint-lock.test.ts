// The endpoint lock on its own: held, waited for and refused by name, released only by its holder, and
// taken over from a process that no longer exists. The runner's use of it is in pipeline.test.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { acquireEndpointLock, endpointLockPath, type EndpointLockOwner } from "./endpoint-lock";
import { processStartTime } from "./process-identity";

/** The pid of a process that has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  assert.ok(child.pid);
  return child.pid;
}

describe("the endpoint lock", () => {
  let root = "";
  before(async () => {
    root = await mkdtemp(join(tmpdir(), "endpoint-lock-"));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it("refuses a second run, after waiting, naming the run that deploys; frees the endpoint on release", async () => {
    const options = { registryRoot: root, endpointName: "ep-a", waitMs: 150, pollMs: 20 };
    const first = await acquireEndpointLock({ ...options, executionName: "run-1" });
    const started = Date.now();
    await assert.rejects(() => acquireEndpointLock({ ...options, executionName: "run-2" }), {
      name: "EndpointDeploymentInProgress",
      message: new RegExp(`^Endpoint ep-a is being deployed by run run-1 \\(process ${process.pid} on `),
    });
    assert.ok(Date.now() - started >= 150, "it waited the bounded time first");
    // A second endpoint is not held by the first's lock.
    await (await acquireEndpointLock({ ...options, endpointName: "ep-b", executionName: "run-2" })).release();

    const waiting = acquireEndpointLock({ ...options, waitMs: 5000, executionName: "run-3" });
    await first.release();
    const third = await waiting;
    assert.equal(third.owner.executionName, "run-3");
    await first.release(); // not its lock any more: leaves run-3's alone
    const held = JSON.parse(await readFile(endpointLockPath(root, "ep-a"), "utf8")) as EndpointLockOwner;
    assert.equal(held.executionName, "run-3");
    await third.release();
  });

  it("takes over the lock of a process that no longer exists", async () => {
    const path = endpointLockPath(root, "ep-c");
    const stale: EndpointLockOwner = {
      executionName: "killed-run",
      pid: deadPid(),
      hostname: hostname(),
      acquiredAt: "2026-11-28T00:00:00.000Z",
    };
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(stale));
    const lock = await acquireEndpointLock({
      registryRoot: root,
      endpointName: "ep-c",
      executionName: "next-run",
      waitMs: 0,
    });
    assert.deepEqual(lock.tookOverFrom, stale);
    assert.equal(lock.owner.executionName, "next-run");
    await lock.release();
  });

  it("takes over a lock whose pid now belongs to a process that started at another time", async () => {
    const path = endpointLockPath(root, "ep-d");
    // The parent process is alive, but it is not the holder recorded: its start time differs.
    const reused: EndpointLockOwner = {
      executionName: "run-before-reboot",
      pid: process.ppid,
      startTime: "1",
      hostname: hostname(),
      acquiredAt: "2026-11-28T00:00:00.000Z",
    };
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, JSON.stringify(reused));
    const options = { registryRoot: root, endpointName: "ep-d", waitMs: 0 };
    const lock = await acquireEndpointLock({ ...options, executionName: "next-run" });
    assert.deepEqual(lock.tookOverFrom, reused);
    assert.equal(lock.owner.startTime, processStartTime(process.pid));
    assert.notEqual(lock.owner.startTime, null, "this run's own start time is recorded");
    await lock.release();

    // With its real start time the same pid is a live holder: the endpoint stays refused.
    await writeFile(path, JSON.stringify({ ...reused, startTime: processStartTime(process.ppid) }));
    await assert.rejects(() => acquireEndpointLock({ ...options, executionName: "other-run" }), {
      name: "EndpointDeploymentInProgress",
    });
  });
});
