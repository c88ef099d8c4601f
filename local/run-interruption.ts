// Whatever ends `npm start` (a signal, an uncaught error) must still leave the run's record. The handlers
// below turn each into an abort of the run, with its reason; runPipeline then stops the jobs and writes
// summary.json and history.json as for any other ending. They stay installed for the whole run: tsx and npm
// forward a signal the process group already received, and a second delivery must not end the process
// before the record is written.
import { constants } from "node:os";
import type { ExecutionStatus } from "./executor";

export const ENDING_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type EndingSignal = (typeof ENDING_SIGNALS)[number];

/** The abort reason of a run ended by a signal. */
export class RunInterrupted extends Error {
  override readonly name = "ExecutionAborted";
  constructor(readonly signal: EndingSignal) {
    super(`The run was stopped by ${signal}: its jobs were stopped and the execution aborted.`);
  }

  /** The conventional exit code of a process ended by this signal (130 for SIGINT). */
  get exitCode(): number {
    return 128 + constants.signals[this.signal];
  }
}

/** How an aborted run is recorded: ABORTED with the signal, or FAILED with the uncaught error. */
export function abortedOutcome(reason: unknown): {
  status: ExecutionStatus;
  error: string;
  cause: string;
} {
  if (reason instanceof RunInterrupted) {
    return { status: "ABORTED", error: reason.name, cause: reason.message };
  }
  if (reason instanceof Error) {
    return {
      status: "FAILED",
      error: reason.name,
      cause: `The process failed with an uncaught error: ${reason.message}`,
    };
  }
  return { status: "FAILED", error: "Error", cause: `The process failed: ${String(reason)}` };
}

/**
 * Routes SIGINT, SIGTERM, SIGHUP, uncaught exceptions and unhandled rejections to `controller.abort`
 * (the first one wins; later ones are reported and otherwise ignored). Returns the function that removes
 * the handlers.
 */
export function abortRunOnEnding(controller: AbortController, out: (line: string) => void): () => void {
  const end = (reason: unknown, message: string) => {
    if (controller.signal.aborted) {
      out(`${message}; the run is already stopping and writing its record.`);
      return;
    }
    out(`${message}: stopping the jobs and the execution (the run is recorded).`);
    controller.abort(reason);
  };
  const onSignal = (signal: EndingSignal) => end(new RunInterrupted(signal), `Interrupted by ${signal}`);
  const onError = (error: unknown) =>
    end(error, `Uncaught error: ${error instanceof Error ? error.message : String(error)}`);
  for (const signal of ENDING_SIGNALS) process.on(signal, onSignal);
  process.on("uncaughtException", onError);
  process.on("unhandledRejection", onError);
  return () => {
    for (const signal of ENDING_SIGNALS) process.removeListener(signal, onSignal);
    process.removeListener("uncaughtException", onError);
    process.removeListener("unhandledRejection", onError);
  };
}
