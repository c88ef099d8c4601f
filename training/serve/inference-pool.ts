// The server's inference workers: each request body goes to the worker with the fewest requests
// outstanding, which answers it whole (inference-worker.ts). A worker that dies is replaced; the requests it
// held are answered as failed, never left waiting. Workers run the esbuild bundle's inference-worker.js
// beside the server's bundle, or, from the TypeScript sources, the .ts module through tsx's require hook.
import type { Worker } from "node:worker_threads";
import { log } from "../runtime/log";
import { spawnModuleWorker } from "../runtime/worker-thread";
import type { InvocationAnswer } from "./invocation";
import type { InferenceWorkerData, WorkerReply, WorkerRequest } from "./inference-worker";

export interface InferencePool {
  readonly size: number;
  answer(body: Uint8Array): Promise<InvocationAnswer>;
  close(): Promise<void>;
}

interface Pending {
  resolve(answer: InvocationAnswer): void;
  reject(error: Error): void;
}

/** How long a worker may take to load the model before the server gives up starting. */
const READY_TIMEOUT_MS = 60_000;

/** Starts one worker thread on the model (the pool's way, unless a test wraps it). */
export function spawnWorker(data: InferenceWorkerData): Worker {
  return spawnModuleWorker(__dirname, __dirname, "inference-worker", data);
}

class PoolWorker {
  readonly pending = new Map<number, Pending>();
  readonly ready: Promise<void>;

  constructor(
    readonly worker: Worker,
    onGone: (member: PoolWorker, cause: string) => void,
  ) {
    this.ready = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`an inference worker did not load the model within ${READY_TIMEOUT_MS} ms`)),
        READY_TIMEOUT_MS,
      );
      worker.on("message", (reply: WorkerReply) => {
        if ("ready" in reply) {
          clearTimeout(timer);
          resolve();
          return;
        }
        const waiting = this.pending.get(reply.id);
        if (waiting === undefined) return;
        this.pending.delete(reply.id);
        if ("fault" in reply) waiting.reject(new Error(reply.fault));
        else waiting.resolve({ status: reply.status, text: reply.text });
      });
      const gone = (cause: string) => {
        clearTimeout(timer);
        reject(new Error(`an inference worker stopped while loading the model: ${cause}`));
        for (const waiting of this.pending.values()) {
          waiting.reject(new Error(`the inference worker stopped: ${cause}`));
        }
        this.pending.clear();
        onGone(this, cause);
      };
      worker.on("error", (error) => gone(error.message));
      worker.on("exit", (code) => gone(`exit code ${code}`));
    });
    // The ready promise is awaited by the pool's start; a later failure must not be an unhandled rejection.
    this.ready.catch(() => undefined);
  }
}

export async function startInferencePool(
  data: InferenceWorkerData,
  size: number,
  spawn: (data: InferenceWorkerData) => Worker = spawnWorker,
): Promise<InferencePool> {
  if (!Number.isInteger(size) || size < 1)
    throw new Error(`[workers] must be a whole number >= 1, got ${size}`);
  let closing = false;
  let nextId = 0;
  const members: PoolWorker[] = [];
  const add = () => {
    const member = new PoolWorker(spawn(data), (gone, cause) => {
      const index = members.indexOf(gone);
      if (index < 0) return;
      members.splice(index, 1);
      if (closing) return;
      log("error", "an inference worker stopped; starting another", { cause });
      add();
    });
    members.push(member);
    return member;
  };
  const started = Array.from({ length: size }, add);
  try {
    await Promise.all(started.map((member) => member.ready));
  } catch (error) {
    closing = true;
    await Promise.all(members.map((member) => member.worker.terminate()));
    throw error;
  }

  return {
    size,
    answer(body) {
      // The worker with the fewest requests outstanding (the first of equals).
      let chosen = members[0];
      for (const member of members) {
        if (chosen === undefined || member.pending.size < chosen.pending.size) chosen = member;
      }
      if (chosen === undefined) return Promise.reject(new Error("no inference worker is running"));
      const member = chosen;
      const id = nextId++;
      return new Promise<InvocationAnswer>((resolve, reject) => {
        member.pending.set(id, { resolve, reject });
        // A body that owns its whole buffer moves to the worker; a slice of a shared buffer is copied.
        const owned = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
        const message: WorkerRequest = { id, body };
        member.worker.postMessage(message, owned ? [body.buffer as ArrayBuffer] : []);
      });
    },
    async close() {
      closing = true;
      await Promise.all(members.map((member) => member.worker.terminate()));
    },
  };
}
