// get-query-status: the query's state, the engine's reason, bytes scanned and engine time (Athena:
// GetQueryExecution). A FAILED or CANCELLED query is a result, not an error: the definition's Choice
// routes it to its Fail state, carrying `stateChangeReason`.
import { z } from "zod";
import { athenaQueryEngine } from "./aws/athena-query-engine";
import type { LogSink } from "./log";
import type { QueryEngine } from "./ports";
import { defineHandler, type Handler, once } from "./runtime";
import { executionNameSchema } from "./schemas";

export const getQueryStatusEventSchema = z.strictObject({
  executionName: executionNameSchema,
  queryExecutionId: z.string().min(1).max(128),
});
export type GetQueryStatusEvent = z.infer<typeof getQueryStatusEventSchema>;

export const getQueryStatusResultSchema = z.strictObject({
  state: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
  stateChangeReason: z.string(),
  dataScannedBytes: z.number().int().nonnegative(),
  engineExecutionTimeMs: z.number().int().nonnegative(),
});
export type GetQueryStatusResult = z.infer<typeof getQueryStatusResultSchema>;

export interface GetQueryStatusPorts {
  readonly queryEngine: QueryEngine;
  readonly logSink?: LogSink;
}

export function createGetQueryStatusHandler(ports: GetQueryStatusPorts): Handler<GetQueryStatusResult> {
  return defineHandler(
    {
      name: "get-query-status",
      event: getQueryStatusEventSchema,
      result: getQueryStatusResultSchema,
      run: (event) => ports.queryEngine.status(event.queryExecutionId),
    },
    ports.logSink,
  );
}

const lambdaHandler = once(() => createGetQueryStatusHandler({ queryEngine: athenaQueryEngine() }));

/** The Lambda entry point. */
export const handler: Handler<GetQueryStatusResult> = (event) => lambdaHandler()(event);
