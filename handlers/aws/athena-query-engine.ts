// QueryEngine on Athena (StartQueryExecution, GetQueryExecution).
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from "@aws-sdk/client-athena";
import type { QueryEngine, QueryState, QueryStatus, StartQueryRequest } from "../ports";
import { once } from "../runtime";

const STATES: readonly QueryState[] = ["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"];

function toQueryState(state: string | undefined, queryExecutionId: string): QueryState {
  const known = STATES.find((candidate) => candidate === state);
  if (known === undefined) {
    throw new Error(`Athena returned the unknown state "${state}" for query ${queryExecutionId}.`);
  }
  return known;
}

export class AthenaQueryEngine implements QueryEngine {
  constructor(private readonly client: AthenaClient) {}

  async start(request: StartQueryRequest): Promise<{ queryExecutionId: string }> {
    const response = await this.client.send(
      new StartQueryExecutionCommand({
        QueryString: request.sql,
        QueryExecutionContext: { Database: request.database },
        WorkGroup: request.workgroup,
        ResultConfiguration: { OutputLocation: request.outputLocation },
        ClientRequestToken: request.clientRequestToken,
      }),
    );
    if (!response.QueryExecutionId) {
      throw new Error("Athena StartQueryExecution returned no QueryExecutionId.");
    }
    return { queryExecutionId: response.QueryExecutionId };
  }

  async status(queryExecutionId: string): Promise<QueryStatus> {
    const response = await this.client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }),
    );
    const execution = response.QueryExecution;
    return {
      state: toQueryState(execution?.Status?.State, queryExecutionId),
      stateChangeReason: execution?.Status?.StateChangeReason ?? "",
      dataScannedBytes: execution?.Statistics?.DataScannedInBytes ?? 0,
      engineExecutionTimeMs: execution?.Statistics?.EngineExecutionTimeInMillis ?? 0,
    };
  }
}

/** The container's Athena engine: one client per container, region from AWS_REGION. */
export const athenaQueryEngine = once(
  () => new AthenaQueryEngine(new AthenaClient({ region: process.env.AWS_REGION })),
);
