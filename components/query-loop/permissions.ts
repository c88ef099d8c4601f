// What each query-loop handler may do, derived from the names of what it touches: Athena on the one
// workgroup, Glue reads on the one database and table, S3 on exact prefixes, the stack's key if any.
import { arn, type AwsEnvironment, type PolicyStatement } from "../asl/iam";
import {
  bucketLocationStatement,
  kmsUseStatements,
  listPrefixesStatement,
  objectArn,
  objectsArn,
  objectsStatement,
} from "../shared/iam";
import { DATA_PREFIXES, parseS3Location, SQL_KEY } from "../storage/layout";

export interface QueryLoopReferences {
  aws: AwsEnvironment;
  workgroupName: string;
  database: string;
  table: string;
  dataBucket: string;
  artifactBucket: string;
  /** `s3://bucket/prefix/` the source table reads. */
  rawHitsUri: string;
  /** Resolved key ARN of the stack's key. */
  kmsKeyArn?: string;
}

function workgroupArn(refs: QueryLoopReferences): string {
  return arn(refs.aws, "athena", `workgroup/${refs.workgroupName}`);
}

/**
 * start-query: start the query in the workgroup. Athena runs it with the caller's permissions, so the
 * caller also needs the Glue reads, the raw hits and the result location
 * (https://docs.aws.amazon.com/athena/latest/ug/workgroups-iam-policy.html).
 */
export function startQueryStatements(refs: QueryLoopReferences): PolicyStatement[] {
  const raw = parseS3Location(refs.rawHitsUri);
  return [
    {
      Sid: "StartQueriesInWorkgroup",
      Effect: "Allow",
      Action: ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetWorkGroup"],
      Resource: [workgroupArn(refs)],
    },
    {
      Sid: "ReadSourceTableMetadata",
      Effect: "Allow",
      Action: ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
      Resource: [
        arn(refs.aws, "glue", "catalog"),
        arn(refs.aws, "glue", `database/${refs.database}`),
        arn(refs.aws, "glue", `table/${refs.database}/${refs.table}`),
      ],
    },
    objectsStatement("ReadSourceSql", "read", [objectArn(refs.aws, refs.artifactBucket, SQL_KEY)]),
    objectsStatement("ReadRawHits", "read", [objectsArn(refs.aws, raw.bucket, raw.prefix)]),
    listPrefixesStatement("ListRawHits", refs.aws, raw.bucket, [raw.prefix]),
    {
      ...objectsStatement("WriteQueryResults", "readWrite", [
        objectsArn(refs.aws, refs.dataBucket, DATA_PREFIXES.queryResults),
      ]),
      Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
    },
    listPrefixesStatement("ListQueryResults", refs.aws, refs.dataBucket, [DATA_PREFIXES.queryResults]),
    // Athena verifies the source and result buckets with the caller's credentials.
    bucketLocationStatement("LocateSourceAndResultBuckets", refs.aws, [raw.bucket, refs.dataBucket]),
    ...kmsUseStatements("UseStackKey", refs.kmsKeyArn),
  ];
}

/** get-query-status: read the state of queries of the workgroup, nothing else. */
export function getQueryStatusStatements(refs: QueryLoopReferences): PolicyStatement[] {
  return [
    {
      Sid: "ReadQueryStatus",
      Effect: "Allow",
      Action: ["athena:GetQueryExecution"],
      Resource: [workgroupArn(refs)],
    },
  ];
}

/**
 * snapshot-dataset: read the query result, write the snapshot, and list the snapshot prefix so that an
 * absent snapshot is a 404 and not a 403 (the handler checks before it copies; it never overwrites).
 */
export function snapshotDatasetStatements(refs: QueryLoopReferences): PolicyStatement[] {
  return [
    objectsStatement("ReadQueryResults", "read", [
      objectsArn(refs.aws, refs.dataBucket, DATA_PREFIXES.queryResults),
    ]),
    objectsStatement("WriteDatasets", "readWrite", [
      objectsArn(refs.aws, refs.dataBucket, DATA_PREFIXES.datasets),
    ]),
    listPrefixesStatement("ListDataPrefixes", refs.aws, refs.dataBucket, [
      DATA_PREFIXES.queryResults,
      DATA_PREFIXES.datasets,
    ]),
    ...kmsUseStatements("UseStackKey", refs.kmsKeyArn),
  ];
}

/** The handlers' environment (docs/contracts.md). */
export function startQueryEnvironment(refs: QueryLoopReferences & { queryResultsUri: string }) {
  return {
    ATHENA_WORKGROUP: refs.workgroupName,
    ATHENA_DATABASE: refs.database,
    ATHENA_OUTPUT_LOCATION: refs.queryResultsUri,
    SOURCE_TABLE: refs.table,
  };
}
