// One deployment at a time per endpoint of a work directory. A run takes
// `<workdir>/registry/locks/<endpoint>.json` before it looks at the endpoint (CheckEndpoint: create or
// update, and what it serves before) and gives it back when the run has ended and the endpoint has
// settled, so a second run deploying to the same endpoint never sees, nor replaces, a half-done change.
// The second run waits a bounded time, then fails naming the run that holds the endpoint; a lock left by a
// process that no longer exists (a kill -9, a power cut), or whose pid now belongs to a process that started
// at another time, is taken over. In the cloud SageMaker itself
// refuses a second update ("Cannot update in-progress endpoint"), which the definition retries, then names.
import { hostname } from "node:os";
import { join } from "node:path";
import { unlink } from "node:fs/promises";
import { createJsonFile, isErrno, readJsonIfExists } from "./json-files";
import { processStartTime, processState } from "./process-identity";
import { FunctionError, type TaskFunction } from "./tasks";

/** Who holds an endpoint, as the lock file says. */
export interface EndpointLockOwner {
  executionName: string;
  pid: number;
  /** The holder's start time (process-identity.ts), so that a reused pid is not taken for it; absent in older locks. */
  startTime?: string | null;
  hostname: string;
  acquiredAt: string;
}

/** The error a run fails with (in CheckEndpoint) when another run keeps the endpoint past the wait. */
export class EndpointDeploymentInProgress extends Error {
  override readonly name = "EndpointDeploymentInProgress";
}

export interface EndpointLockOptions {
  /** `<workdir>/registry`. */
  registryRoot: string;
  endpointName: string;
  executionName: string;
  /** How long to wait for another run's deployment to end. */
  waitMs: number;
  /** How often to look again while waiting. @default 250 */
  pollMs?: number;
}

export function endpointLockPath(registryRoot: string, endpointName: string): string {
  return join(registryRoot, "locks", `${endpointName}.json`);
}

/** Whether the process that wrote the lock is alive; a lock of another machine counts as alive. */
function ownerAlive(owner: EndpointLockOwner): boolean {
  return (
    processState({ pid: owner.pid, startTime: owner.startTime ?? null, host: owner.hostname }) !== "lost"
  );
}

/** A held endpoint lock; release() gives it back (only if it is still this run's). */
export class EndpointLock {
  constructor(
    readonly path: string,
    readonly owner: EndpointLockOwner,
    /** The dead run whose lock this one took over, if any. */
    readonly tookOverFrom: EndpointLockOwner | null,
  ) {}

  async release(): Promise<void> {
    const current = await readJsonIfExists<EndpointLockOwner>(this.path).catch(() => undefined);
    if (current?.executionName !== this.owner.executionName || current.pid !== this.owner.pid) return;
    await unlink(this.path).catch((error: unknown) => {
      if (!isErrno(error, "ENOENT")) throw error;
    });
  }
}

/** Takes the endpoint's lock, waiting up to `waitMs` for a live holder; takes over a dead holder's. */
export async function acquireEndpointLock(options: EndpointLockOptions): Promise<EndpointLock> {
  const path = endpointLockPath(options.registryRoot, options.endpointName);
  const owner: EndpointLockOwner = {
    executionName: options.executionName,
    pid: process.pid,
    startTime: processStartTime(process.pid),
    hostname: hostname(),
    acquiredAt: new Date().toISOString(),
  };
  const started = Date.now();
  let tookOverFrom: EndpointLockOwner | null = null;
  for (;;) {
    if (await createJsonFile(path, owner)) return new EndpointLock(path, owner, tookOverFrom);
    // A lock being written reads as invalid JSON for an instant: look again.
    const holder = await readJsonIfExists<EndpointLockOwner>(path).catch(() => undefined);
    if (holder && !ownerAlive(holder)) {
      // Two runs may find the same dead holder: only one of them creates the new file after this.
      await unlink(path).catch((error: unknown) => {
        if (!isErrno(error, "ENOENT")) throw error;
      });
      tookOverFrom = holder;
      continue;
    }
    const waited = Date.now() - started;
    if (waited >= options.waitMs) {
      const who = holder
        ? `run ${holder.executionName} (process ${holder.pid} on ${holder.hostname}, since ${holder.acquiredAt})`
        : "another run";
      throw new EndpointDeploymentInProgress(
        `Endpoint ${options.endpointName} is being deployed by ${who}; waited ${Math.round(waited / 1000)} s. ` +
          `Deploy when that run has ended, or delete ${path} if that run is gone.`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
  }
}

/**
 * CheckEndpoint's local implementation behind the endpoint's lock: the lock is taken before the first
 * check (a busy endpoint fails the Task as the Lambda would, EndpointDeploymentInProgress) and held until
 * `settleAndRelease`, which the runner calls when the execution has ended.
 */
export function lockedEndpointCheck(
  check: TaskFunction,
  options: EndpointLockOptions & { settle: () => Promise<unknown> },
): { task: TaskFunction; settleAndRelease: () => Promise<EndpointLock | null> } {
  let lock: EndpointLock | null = null;
  return {
    task: async (input) => {
      if (!lock) {
        try {
          lock = await acquireEndpointLock(options);
        } catch (error) {
          if (error instanceof EndpointDeploymentInProgress)
            throw new FunctionError(error.name, error.message);
          throw error;
        }
      }
      return check(input);
    },
    settleAndRelease: async () => {
      if (!lock) return null;
      try {
        await options.settle();
      } finally {
        await lock.release();
      }
      return lock;
    },
  };
}
