// start-query: reads the source SQL (from S3 or inline), substitutes `{{source_table}}` and starts it on
// the query engine (Athena: StartQueryExecution in the configured workgroup, database and output location).
import { createHash } from "node:crypto";
import { z } from "zod";
import { athenaQueryEngine } from "./aws/athena-query-engine";
import { s3ObjectStore } from "./aws/s3-object-store";
import { type QueryConfig, queryConfigFromEnv, queryConfigSchema, validateConfig } from "./config";
import { InvalidSql, ObjectNotFound, SqlNotFound } from "./errors";
import type { LogSink } from "./log";
import type { ObjectStore, QueryEngine } from "./ports";
import { defineHandler, type Handler, once } from "./runtime";
import { executionNameSchema, s3ObjectUriSchema } from "./schemas";
import { joinS3Uri } from "./s3-uri";

/** Exactly one of `sqlUri` (the SQL file, the seed's InputFilePath) and `sql` (inline). */
export const startQueryEventSchema = z
  .strictObject({
    executionName: executionNameSchema,
    sqlUri: s3ObjectUriSchema.optional(),
    sql: z.string().min(1).optional(),
  })
  .refine((event) => (event.sqlUri === undefined) !== (event.sql === undefined), {
    message: "give exactly one of sqlUri (an s3:// URI of the SQL file) and sql (the SQL itself)",
  });
export type StartQueryEvent = z.infer<typeof startQueryEventSchema>;

export const startQueryResultSchema = z.strictObject({
  queryExecutionId: z.string().min(1),
  /** `s3://…/<queryExecutionId>.csv`: where the result lands. */
  outputLocation: z.string(),
});
export type StartQueryResult = z.infer<typeof startQueryResultSchema>;

export const SOURCE_TABLE_PLACEHOLDER = "{{source_table}}";

/** Substitutes `{{source_table}}`; any other `{{…}}` is an error (a typo would reach the engine otherwise). */
export function renderSql(template: string, sourceTable: string): string {
  const sql = template.split(SOURCE_TABLE_PLACEHOLDER).join(sourceTable);
  const unknown = /\{\{[^}]*\}\}/.exec(sql);
  if (unknown) {
    throw new InvalidSql(
      `The SQL uses the unknown placeholder ${unknown[0]}: only ${SOURCE_TABLE_PLACEHOLDER} is substituted.`,
    );
  }
  if (sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, "").trim() === "") {
    throw new InvalidSql("The SQL is empty: put the source query in the SQL file.");
  }
  return sql;
}

export interface StartQueryPorts {
  readonly queryEngine: QueryEngine;
  readonly objectStore: ObjectStore;
  readonly config: QueryConfig;
  readonly logSink?: LogSink;
}

async function readSql(objectStore: ObjectStore, event: StartQueryEvent): Promise<string> {
  if (event.sqlUri === undefined) return event.sql ?? "";
  try {
    return await objectStore.getText(event.sqlUri);
  } catch (error) {
    if (error instanceof ObjectNotFound) {
      throw new SqlNotFound(`The SQL file ${event.sqlUri} does not exist: upload it or fix InputFilePath.`);
    }
    throw error;
  }
}

export function createStartQueryHandler(ports: StartQueryPorts): Handler<StartQueryResult> {
  const config = validateConfig(queryConfigSchema, ports.config);
  return defineHandler(
    {
      name: "start-query",
      event: startQueryEventSchema,
      result: startQueryResultSchema,
      async run(event, logger) {
        const sql = renderSql(await readSql(ports.objectStore, event), config.sourceTable);
        // The same execution and SQL give the same token, so a Lambda retry after a timeout gets the
        // query it already started instead of a second one.
        const clientRequestToken = createHash("sha256")
          .update(`${event.executionName}\n${sql}`)
          .digest("hex");
        const { queryExecutionId } = await ports.queryEngine.start({
          sql,
          database: config.database,
          workgroup: config.workgroup,
          outputLocation: config.outputLocation,
          clientRequestToken,
        });
        logger.log("info", "query started", { queryExecutionId, workgroup: config.workgroup });
        return {
          queryExecutionId,
          outputLocation: joinS3Uri(config.outputLocation, `${queryExecutionId}.csv`),
        };
      },
    },
    ports.logSink,
  );
}

const lambdaHandler = once(() =>
  createStartQueryHandler({
    queryEngine: athenaQueryEngine(),
    objectStore: s3ObjectStore(),
    config: queryConfigFromEnv(),
  }),
);

/** The Lambda entry point. */
export const handler: Handler<StartQueryResult> = (event) => lambdaHandler()(event);
