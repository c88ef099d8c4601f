// The pipeline's Lambda functions, in-process: each handler factory from handlers/ with its local ports
// (DuckDB over the input files as Athena, the workdir's s3/ directory as S3, the local endpoint registry),
// keyed by the function ARN the definition invokes. Handler logs go to the run's log file (CloudWatch's
// stand-in), not to the terminal.
import { createChampionModelHandler } from "../handlers/champion-model";
import { createEndpointStatusHandler } from "../handlers/endpoint-status";
import { createGetQueryStatusHandler } from "../handlers/get-query-status";
import { DirectoryObjectStore } from "../handlers/local/directory-object-store";
import { DuckDbQueryEngine } from "../handlers/local/duckdb-query-engine";
import type { LogSink } from "../handlers/log";
import type { QueryEngine, QueryStatus, StartQueryRequest } from "../handlers/ports";
import { createQualityGateHandler } from "../handlers/quality-gate";
import { createSnapshotDatasetHandler } from "../handlers/snapshot-dataset";
import { createStartQueryHandler } from "../handlers/start-query";
import { endpointRegistryPort, type LocalEndpointRegistry } from "./endpoint-registry";
import { PIPELINE_HANDLERS } from "../contracts/handlers";
import { RAW_HIT_COLUMNS } from "../contracts/raw-hits";
import { rawHitsInputProblem } from "./input-files";
import { functionArn, LOCAL_HANDLER_CONFIG } from "./settings";
import type { LambdaHandler } from "./tasks";

/** The input data could not be opened as the source table (missing file, unreadable, empty glob). */
export class SourceDataUnreadable extends Error {
  override readonly name = "SourceDataUnreadable";
}

/**
 * Opens DuckDB over the input on the first query rather than before the run, so that a missing or
 * unreadable input fails the run in StartQuery (→ QueryFailed), where Athena would report it. The files
 * are checked first (input-files.ts), so that a directory, a compressed or binary file or another
 * separator is told in one sentence.
 */
export class LazyDuckDbQueryEngine implements QueryEngine {
  private engine: Promise<DuckDbQueryEngine> | undefined;

  constructor(
    private readonly s3Root: string,
    private readonly input: string | readonly string[],
  ) {}

  private open(): Promise<DuckDbQueryEngine> {
    this.engine ??= this.checkedOpen();
    return this.engine;
  }

  private async checkedOpen(): Promise<DuckDbQueryEngine> {
    const problem = await rawHitsInputProblem(this.input);
    if (problem !== undefined) throw new SourceDataUnreadable(problem);
    return DuckDbQueryEngine.create({
      s3Root: this.s3Root,
      sourceTables: [
        {
          name: LOCAL_HANDLER_CONFIG.query.sourceTable,
          input: this.input,
          requiredColumns: RAW_HIT_COLUMNS,
          // CSV cells as text, as the Glue table's event_time is: DuckDB's type detection would read
          // `08:19:07+02:00` as an instant and the SQL would see it in UTC, no longer as hour 8.
          allVarchar: true,
        },
      ],
    }).catch((error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      throw new SourceDataUnreadable(
        `The input ${JSON.stringify(this.input)} cannot be read as the source table: ${reason}. ` +
          "Check the --input path (a CSV or Parquet file, or a glob).",
      );
    });
  }

  async start(request: StartQueryRequest): Promise<{ queryExecutionId: string }> {
    return (await this.open()).start(request);
  }

  async status(queryExecutionId: string): Promise<QueryStatus> {
    return (await this.open()).status(queryExecutionId);
  }

  /** Waits for running queries and closes DuckDB, if it was opened. */
  async close(): Promise<void> {
    const engine = await this.engine?.catch(() => undefined);
    await engine?.close();
  }
}

export interface LocalLambdasOptions {
  s3Root: string;
  input: string | readonly string[];
  registry: LocalEndpointRegistry;
  logSink: LogSink;
}

export interface LocalLambdas {
  /** Handlers by function ARN. */
  functions: Map<string, LambdaHandler>;
  close(): Promise<void>;
}

export function localLambdas(options: LocalLambdasOptions): LocalLambdas {
  const objectStore = new DirectoryObjectStore(options.s3Root);
  const queryEngine = new LazyDuckDbQueryEngine(options.s3Root, options.input);
  const endpointRegistry = endpointRegistryPort(options.registry);
  const logSink = options.logSink;
  const functions = new Map<string, LambdaHandler>([
    [
      functionArn(PIPELINE_HANDLERS.startQuery),
      createStartQueryHandler({
        queryEngine,
        objectStore,
        config: { ...LOCAL_HANDLER_CONFIG.query },
        logSink,
      }),
    ],
    [functionArn(PIPELINE_HANDLERS.getQueryStatus), createGetQueryStatusHandler({ queryEngine, logSink })],
    [
      functionArn(PIPELINE_HANDLERS.snapshotDataset),
      createSnapshotDatasetHandler({ objectStore, config: { ...LOCAL_HANDLER_CONFIG.snapshot }, logSink }),
    ],
    [
      functionArn(PIPELINE_HANDLERS.qualityGate),
      createQualityGateHandler({ objectStore, endpointRegistry, logSink }),
    ],
    [
      functionArn(PIPELINE_HANDLERS.endpointStatus),
      createEndpointStatusHandler({ endpointRegistry, logSink }),
    ],
    [functionArn(PIPELINE_HANDLERS.championModel), createChampionModelHandler({ endpointRegistry, logSink })],
  ]);
  return { functions, close: () => queryEngine.close() };
}
