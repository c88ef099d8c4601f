// QueryEngine on DuckDB, standing in for Athena locally. The source table is a view over the input
// CSV/Parquet file(s) or glob; a query runs asynchronously, in a DuckDB of its own that is closed when it
// ends, and writes its result as Athena does: a CSV with a header, every value quoted, at
// `<outputLocation>/<queryExecutionId>.csv`.
//
// Polling is deterministic for queries shorter than statusWaitMs: the first status call after start always
// reports RUNNING (so the state machine's wait loop is exercised); a later call waits for the query to
// finish and reports its final state (SUCCEEDED, or FAILED with DuckDB's error message as the reason). A
// longer query (millions of hits) is reported RUNNING after statusWaitMs (20 s), so that a status call stays
// well inside its task's timeout and the state machine polls again, as with Athena.
import { randomUUID } from "node:crypto";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { DUCKDB_SESSION_SETUP } from "../../contracts/raw-hits";
import { errorMessage, QueryNotFound } from "../errors";
import type { QueryEngine, QueryStatus, StartQueryRequest } from "../ports";
import { joinS3Uri, localPathForS3Uri } from "../s3-uri";

export interface DuckDbSourceTable {
  /** The table name the SQL uses (the config's sourceTable, `table` or `schema.table`). */
  readonly name: string;
  /** A file, a glob (`data/*.csv`) or several of them. */
  readonly input: string | readonly string[];
  /** @default "parquet" when every input ends in .parquet, else "csv" */
  readonly format?: "csv" | "parquet";
  /**
   * Read every CSV column as VARCHAR (as a string-typed Athena table would) instead of DuckDB's detection.
   * @default false
   */
  readonly allVarchar?: boolean;
  /** Columns the input must have (case-insensitive); a missing one fails `create`, naming it. @default none */
  readonly requiredColumns?: readonly string[];
}

export interface DuckDbQueryEngineOptions {
  /** The local S3 root (`<workdir>/s3`): results land at localPathForS3Uri(s3Root, outputLocation/id.csv). */
  readonly s3Root: string;
  readonly sourceTables: readonly DuckDbSourceTable[];
  /**
   * DuckDB's memory for queries; beyond it, sorts, windows and aggregates spill to
   * `<s3Root>/../duckdb-spill`. Bounds the local pipeline's memory on large inputs (DuckDB's default is 80%
   * of the machine's RAM). The source SQL's window keeps every hit's cells: at 10 M hits a 1 GB limit let the
   * process reach 1.14 GB RSS (35 CPU-s), 700 MB kept it at 0.91 GB (36 CPU-s).
   * @default "700MB"
   */
  readonly memoryLimit?: string;
  /** The longest a status call waits for a running query before it reports RUNNING. @default 20000 */
  readonly statusWaitMs?: number;
}

/** The longest a status call waits for a running query (the GetQueryStatus task times out after 60 s). */
const STATUS_WAIT_MS = 20_000;

const RUNNING: QueryStatus = {
  state: "RUNNING",
  stateChangeReason: "",
  dataScannedBytes: 0,
  engineExecutionTimeMs: 0,
};

interface LocalQuery {
  polled: boolean;
  /** Settles (never rejects) with the final status. */
  readonly done: Promise<QueryStatus>;
}

function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

function sqlIdentifier(name: string): string {
  return name
    .split(".")
    .map((part) => `"${part.replaceAll('"', '""')}"`)
    .join(".");
}

/**
 * The SQL without trailing whitespace, semicolons and `-- comments` (without quotes), so that it can be
 * wrapped in COPY ( … ); Athena accepts a trailing semicolon too.
 */
export function withoutTrailingTerminators(sql: string): string {
  let previous: string;
  let current = sql;
  do {
    previous = current;
    current = current
      .replace(/\s+$/, "")
      .replace(/;$/, "")
      .replace(/--[^\n']*$/, "");
  } while (current !== previous);
  return current;
}

/** The CREATE VIEW statement(s) for a source table. */
export function sourceViewSql(table: DuckDbSourceTable): string[] {
  const inputs = typeof table.input === "string" ? [table.input] : [...table.input];
  const format = table.format ?? (inputs.every((input) => input.endsWith(".parquet")) ? "parquet" : "csv");
  const files = `[${inputs.map(sqlString).join(", ")}]`;
  const reader =
    format === "parquet"
      ? `read_parquet(${files}, union_by_name = true)`
      : `read_csv(${files}, header = true, union_by_name = true${table.allVarchar ? ", all_varchar = true" : ""})`;
  const schema = table.name.includes(".") ? table.name.split(".")[0] : undefined;
  return [
    ...(schema === undefined ? [] : [`CREATE SCHEMA IF NOT EXISTS ${sqlIdentifier(schema)}`]),
    `CREATE OR REPLACE VIEW ${sqlIdentifier(table.name)} AS SELECT * FROM ${reader}`,
  ];
}

/** Athena's table schema guarantees the columns; over a file, DuckDB would only fail later, obscurely. */
async function checkRequiredColumns(connection: DuckDBConnection, table: DuckDbSourceTable): Promise<void> {
  if (!table.requiredColumns?.length) return;
  const described = await connection.runAndReadAll(`DESCRIBE ${sqlIdentifier(table.name)}`);
  const present = described.getRowObjects().map((row) => String(row.column_name));
  const lower = new Set(present.map((column) => column.toLowerCase()));
  const missing = table.requiredColumns.filter((column) => !lower.has(column.toLowerCase()));
  if (missing.length > 0) {
    throw new Error(
      `The source table ${table.name} over ${JSON.stringify(table.input)} lacks the required column(s) ` +
        `${missing.join(", ")} (it has: ${present.join(", ")})`,
    );
  }
}

/** An in-memory DuckDB with a view per source table; fails naming an unreadable input or a missing column. */
async function openSourceTables(options: DuckDbQueryEngineOptions): Promise<DuckDBInstance> {
  const instance = await DuckDBInstance.create(":memory:", {
    memory_limit: options.memoryLimit ?? "700MB",
    temp_directory: join(dirname(options.s3Root), "duckdb-spill"),
    // The source SQL orders its result itself (ORDER BY is honoured either way); without this, DuckDB also
    // keeps the hits' file order through the scan, which the aggregations do not need (10 M hits: about
    // 55 instead of 60-67 CPU seconds here).
    preserve_insertion_order: "false",
  });
  const connection = await instance.connect();
  try {
    await connection.run(DUCKDB_SESSION_SETUP);
    for (const table of options.sourceTables) {
      for (const statement of sourceViewSql(table)) {
        try {
          await connection.run(statement);
        } catch (error) {
          throw new Error(
            `Cannot create the source table ${table.name} over ${JSON.stringify(table.input)}: ${errorMessage(error)}`,
            { cause: error },
          );
        }
      }
      await checkRequiredColumns(connection, table);
    }
  } catch (error) {
    connection.closeSync();
    instance.closeSync();
    throw error;
  }
  connection.closeSync();
  return instance;
}

export class DuckDbQueryEngine implements QueryEngine {
  private readonly queries = new Map<string, LocalQuery>();
  private readonly byToken = new Map<string, string>();

  private constructor(
    private readonly options: DuckDbQueryEngineOptions,
    private readonly statusWaitMs: number,
  ) {}

  /** Checks that every source table opens and has its columns; each query then opens its own DuckDB. */
  static async create(options: DuckDbQueryEngineOptions): Promise<DuckDbQueryEngine> {
    (await openSourceTables(options)).closeSync();
    return new DuckDbQueryEngine(options, options.statusWaitMs ?? STATUS_WAIT_MS);
  }

  start(request: StartQueryRequest): Promise<{ queryExecutionId: string }> {
    // As Athena: the same idempotency token returns the query already started.
    const existing = this.byToken.get(request.clientRequestToken);
    if (existing !== undefined) return Promise.resolve({ queryExecutionId: existing });
    const queryExecutionId = randomUUID();
    const resultPath = localPathForS3Uri(
      this.options.s3Root,
      joinS3Uri(request.outputLocation, `${queryExecutionId}.csv`),
    );
    this.queries.set(queryExecutionId, { polled: false, done: this.run(request.sql, resultPath) });
    this.byToken.set(request.clientRequestToken, queryExecutionId);
    return Promise.resolve({ queryExecutionId });
  }

  private async run(sql: string, resultPath: string): Promise<QueryStatus> {
    const started = Date.now();
    const temp = `${resultPath}.tmp`;
    const body = withoutTrailingTerminators(sql);
    try {
      await mkdir(dirname(resultPath), { recursive: true });
      // A DuckDB per query, closed when it ends: the memory of its hash tables and sorts is returned then,
      // not kept by an instance that lives as long as the run (and its jobs).
      const instance = await openSourceTables(this.options);
      try {
        const connection = await instance.connect();
        try {
          // Newlines around the query so that a trailing `-- comment` cannot swallow the parenthesis.
          await connection.run(
            `COPY (\n${body}\n) TO ${sqlString(temp)} (FORMAT csv, HEADER, FORCE_QUOTE *)`,
          );
        } finally {
          connection.closeSync();
        }
      } finally {
        instance.closeSync();
      }
      await rename(temp, resultPath);
      return {
        state: "SUCCEEDED",
        stateChangeReason: "",
        dataScannedBytes: 0,
        engineExecutionTimeMs: Date.now() - started,
      };
    } catch (error) {
      await rm(temp, { force: true });
      return {
        state: "FAILED",
        stateChangeReason: errorMessage(error),
        dataScannedBytes: 0,
        engineExecutionTimeMs: Date.now() - started,
      };
    }
  }

  async status(queryExecutionId: string): Promise<QueryStatus> {
    const query = this.queries.get(queryExecutionId);
    if (query === undefined) {
      throw new QueryNotFound(`Query ${queryExecutionId} was not started by this local engine.`);
    }
    if (!query.polled) {
      query.polled = true;
      return RUNNING;
    }
    let timer: NodeJS.Timeout | undefined;
    const stillRunning = new Promise<QueryStatus>((resolve) => {
      timer = setTimeout(() => resolve(RUNNING), this.statusWaitMs);
    });
    try {
      return await Promise.race([query.done, stillRunning]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Waits for the running queries (each closes its own DuckDB). */
  async close(): Promise<void> {
    await Promise.all([...this.queries.values()].map((query) => query.done));
  }
}
