// The query loop and the dataset snapshot: start the source SQL on Athena, poll its status in a loop
// bounded by a counter, end in QueryFailed with Athena's reason when it fails, is cancelled or never
// finishes, then copy the result to a versioned dataset path of the execution, unless too many raw hits
// broke the data contract (DataQualityFailed, before anything is trained).
import { failWithStoredError, ERROR_PATH } from "../asl/error-handling";
import type { PolicyStatement } from "../asl/iam";
import { invokeStatement, lambdaTask } from "../asl/lambda-task";
import type { Fragment } from "../asl/types";

export interface QueryLoopProps {
  startQueryArn: string;
  getQueryStatusArn: string;
  snapshotDatasetArn: string;
  /** Seconds between two status checks. */
  pollIntervalSeconds: number;
  /** Status checks before the query is given up (it may still run in Athena; its workgroup limits it). */
  maxPolls: number;
  /** The largest share (0..1) of distinct raw hits that may break the raw-hits contract. */
  maxInvalidHitShare: number;
  /** The state after a successful snapshot. */
  next: string;
}

export const QUERY_STATES = {
  start: "StartQuery",
  wait: "WaitForQuery",
  status: "GetQueryStatus",
  count: "CountQueryPoll",
  done: "QueryDone",
  describeFailure: "DescribeQueryFailure",
  describePollLimit: "DescribeQueryPollLimit",
  failed: "QueryFailed",
  snapshot: "SnapshotDataset",
  snapshotFailed: "SnapshotFailed",
  dataQualityFailed: "DataQualityFailed",
} as const;

export function buildQueryLoopFragment(props: QueryLoopProps): Fragment {
  const s = QUERY_STATES;
  return {
    startAt: s.start,
    states: {
      [s.start]: lambdaTask({
        comment: "Start the source SQL in the configured Athena workgroup.",
        functionArn: props.startQueryArn,
        payload: { "sqlUri.$": "$.run.InputFilePath" },
        resultFields: ["queryExecutionId", "outputLocation"],
        resultPath: "$.query",
        next: s.wait,
        failState: s.failed,
      }),
      [s.wait]: { Type: "Wait", Seconds: props.pollIntervalSeconds, Next: s.status },
      [s.status]: lambdaTask({
        functionArn: props.getQueryStatusArn,
        payload: { "queryExecutionId.$": "$.query.queryExecutionId" },
        resultFields: ["state", "stateChangeReason", "dataScannedBytes", "engineExecutionTimeMs"],
        resultPath: "$.queryStatus",
        next: s.count,
        failState: s.failed,
      }),
      [s.count]: {
        Type: "Pass",
        Comment: "Count status checks: the loop below is bounded by query.maxPolls.",
        Parameters: {
          "queryPolls.$": "States.MathAdd($.counters.queryPolls, 1)",
          "endpointPolls.$": "$.counters.endpointPolls",
        },
        ResultPath: "$.counters",
        Next: s.done,
      },
      [s.done]: {
        Type: "Choice",
        Choices: [
          { Variable: "$.queryStatus.state", StringEquals: "SUCCEEDED", Next: s.snapshot },
          {
            Or: [
              { Variable: "$.queryStatus.state", StringEquals: "FAILED" },
              { Variable: "$.queryStatus.state", StringEquals: "CANCELLED" },
            ],
            Next: s.describeFailure,
          },
          {
            Variable: "$.counters.queryPolls",
            NumericGreaterThanEquals: props.maxPolls,
            Next: s.describePollLimit,
          },
        ],
        Default: s.wait,
      },
      [s.describeFailure]: {
        Type: "Pass",
        Parameters: {
          Error: "QueryFailed",
          "Cause.$":
            "States.Format('Athena query {} ended {}: {}', $.query.queryExecutionId, $.queryStatus.state, $.queryStatus.stateChangeReason)",
        },
        ResultPath: ERROR_PATH,
        Next: s.failed,
      },
      [s.describePollLimit]: {
        Type: "Pass",
        Parameters: {
          Error: "QueryPollLimitReached",
          "Cause.$":
            "States.Format('Athena query {} was still {} after {} status checks (raise query.maxPolls or query.pollIntervalSeconds)', $.query.queryExecutionId, $.queryStatus.state, $.counters.queryPolls)",
        },
        ResultPath: ERROR_PATH,
        Next: s.failed,
      },
      [s.failed]: failWithStoredError("The source query could not produce a result."),
      [s.snapshot]: lambdaTask({
        comment:
          "Check the share of invalid raw hits, then copy <QueryExecutionId>.csv to the execution's dataset path; never moves or overwrites.",
        functionArn: props.snapshotDatasetArn,
        payload: {
          "queryExecutionId.$": "$.query.queryExecutionId",
          "sourceUri.$": "$.query.outputLocation",
          maxInvalidHitShare: props.maxInvalidHitShare,
        },
        resultFields: ["datasetUri", "sizeBytes", "sha256", "rawHits"],
        resultPath: "$.dataset",
        timeoutSeconds: 300,
        next: props.next,
        failState: s.snapshotFailed,
        namedFailures: [{ error: "TooManyInvalidHits", failState: s.dataQualityFailed }],
      }),
      [s.snapshotFailed]: failWithStoredError("The query result could not be snapshotted."),
      [s.dataQualityFailed]: failWithStoredError(
        "Too many raw hits broke the data contract (dataQuality.maxInvalidHitShare); nothing was trained.",
      ),
    },
  };
}

export function queryLoopStatements(
  props: Pick<QueryLoopProps, "startQueryArn" | "getQueryStatusArn" | "snapshotDatasetArn">,
): PolicyStatement[] {
  return [
    invokeStatement("InvokeQueryLoopFunctions", [
      props.startQueryArn,
      props.getQueryStatusArn,
      props.snapshotDatasetArn,
    ]),
  ];
}
