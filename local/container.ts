// Runs the training container's entry point as a child process, the way SageMaker runs the image:
// `/opt/ml` becomes a job directory (passed as VT_ML_ROOT), the job's Environment is passed through,
// stdout/stderr go to the job's log file (SageMaker's CloudWatch log stream) and every JSON log line is
// handed to the caller as progress.
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";

/** How to start the container locally: `command ...args <entry point arguments>`. */
export interface ContainerCommand {
  command: string;
  args: readonly string[];
  cwd: string;
}

/** The project's container, run from source: `node --import tsx training/main.ts <entry>`. */
export function projectContainer(repoRoot = resolve(__dirname, "..")): ContainerCommand {
  return {
    command: process.execPath,
    args: ["--import", "tsx", resolve(repoRoot, "training", "main.ts")],
    cwd: repoRoot,
  };
}

/** The image's entry point, as CreateProcessingJob/CreateTrainingJob would run it. */
export const IMAGE_PROGRAM = "/opt/program/main.js";

/**
 * The entry point arguments of a job: SageMaker runs the image's entry point (`node /opt/program/main.js`)
 * with the container arguments; an explicit ContainerEntrypoint must be that same program.
 */
export function entryPointArguments(
  entrypoint: readonly string[] | undefined,
  args: readonly string[],
): string[] {
  if (!entrypoint || entrypoint.length === 0) return [...args];
  const program = entrypoint.indexOf(IMAGE_PROGRAM);
  if (program < 0) {
    throw new Error(
      `ContainerEntrypoint ${JSON.stringify(entrypoint)} does not run ${IMAGE_PROGRAM}; the local runner ` +
        "can only run the project's container entry point.",
    );
  }
  return [...entrypoint.slice(program + 1), ...args];
}

export type LogRecord = Record<string, unknown>;

export interface RunContainerOptions {
  container: ContainerCommand;
  /** Entry point arguments, e.g. ["train"]. */
  args: readonly string[];
  /** The job directory, laid out like /opt/ml. */
  mlRoot: string;
  environment: Record<string, string>;
  logFile: string;
  /** Kills the child (SIGTERM, then SIGKILL) after this long. */
  maxRuntimeSeconds?: number;
  /** Each stdout line that is a JSON object. */
  onLogRecord?: (record: LogRecord) => void;
  /** Each stdout or stderr line, as text (for metric regexes). */
  onLine?: (line: string) => void;
  /** The child's pid, as soon as it is spawned (the job records it). */
  onSpawn?: (pid: number) => void;
  signal?: AbortSignal;
}

export interface ContainerExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
}

export async function runContainer(options: RunContainerOptions): Promise<ContainerExit> {
  const log = createWriteStream(options.logFile, { flags: "a" });
  const child = spawn(options.container.command, [...options.container.args, ...options.args], {
    cwd: options.container.cwd,
    env: {
      ...process.env,
      ...options.environment,
      VT_ML_ROOT: options.mlRoot,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  if (child.pid !== undefined) options.onSpawn?.(child.pid);
  let timedOut = false;
  let aborted = false;
  const stop = () => {
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 5000).unref();
  };
  const timer =
    options.maxRuntimeSeconds !== undefined
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, options.maxRuntimeSeconds * 1000)
      : undefined;
  const onAbort = () => {
    aborted = true;
    stop();
  };
  options.signal?.addEventListener("abort", onAbort);
  if (options.signal?.aborted) onAbort();

  const pump = (stream: NodeJS.ReadableStream, parseJson: boolean) =>
    new Promise<void>((done) => {
      const lines = createInterface({ input: stream, crlfDelay: Infinity });
      lines.on("line", (line) => {
        log.write(`${line}\n`);
        options.onLine?.(line);
        if (parseJson && options.onLogRecord) {
          const record = parseLogRecord(line);
          if (record) options.onLogRecord(record);
        }
      });
      lines.on("close", done);
    });

  const exit = new Promise<ContainerExit>((resolveExit, rejectExit) => {
    child.on("error", rejectExit);
    child.on("close", (exitCode, signal) => resolveExit({ exitCode, signal, timedOut, aborted }));
  });
  try {
    const [result] = await Promise.all([exit, pump(child.stdout, true), pump(child.stderr, false)]);
    return { ...result, timedOut, aborted };
  } finally {
    if (timer) clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
    await new Promise<void>((done) => log.end(done));
  }
}

/** A stdout line that is a JSON object, else null (plain text lines are only logged). */
export function parseLogRecord(line: string): LogRecord | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith("{")) return null;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as LogRecord) : null;
  } catch {
    return null;
  }
}
