// What every handler does around its logic: validate the event (InvalidInput naming each bad field), log
// start / success / failure as JSON with the execution name, validate the result, rethrow errors unchanged
// (so Retry and Catch see their names).
import { z } from "zod";
import { errorMessage, errorName, InvalidInput } from "./errors";
import { createLogger, type Logger, type LogSink, stdoutSink } from "./log";
import { parseOrThrow } from "./schemas";

export type Handler<Result> = (event: unknown) => Promise<Result>;

export interface HandlerDefinition<Event, Result> {
  /** The handler's name in logs: start-query, get-query-status, ... */
  readonly name: string;
  readonly event: z.ZodType<Event>;
  readonly result: z.ZodType<Result>;
  readonly run: (event: Event, logger: Logger) => Promise<Result>;
}

function executionNameOf(event: unknown): string | undefined {
  if (typeof event !== "object" || event === null || !("executionName" in event)) return undefined;
  return typeof event.executionName === "string" ? event.executionName : undefined;
}

export function defineHandler<Event, Result>(
  definition: HandlerDefinition<Event, Result>,
  sink: LogSink = stdoutSink,
): Handler<Result> {
  return async (raw) => {
    const logger = createLogger(sink, definition.name, executionNameOf(raw));
    const started = Date.now();
    try {
      const event = parseOrThrow(
        definition.event,
        raw,
        "event",
        (message) => new InvalidInput(message),
        `See handlers/README.md for the ${definition.name} event.`,
      );
      logger.log("info", "started", { event });
      const result = definition.result.parse(await definition.run(event, logger));
      logger.log("info", "succeeded", { result, durationMs: Date.now() - started });
      return result;
    } catch (error) {
      logger.log("error", "failed", {
        error: errorName(error),
        cause: errorMessage(error),
        durationMs: Date.now() - started,
      });
      throw error;
    }
  };
}

/** Creates a value once per container (Lambda) on first use, e.g. SDK clients and env config. */
export function once<T>(create: () => T): () => T {
  let value: { readonly current: T } | undefined;
  return () => {
    value ??= { current: create() };
    return value.current;
  };
}
