// QueryLoop: the source SQL as an S3 object, and the three Lambda handlers of the query loop and the
// dataset snapshot (start-query, get-query-status, snapshot-dataset), each with its own least-privilege
// role and log group. Exposes the function ARNs and the SQL's URI: the references the definition's query
// loop (./definition.ts) invokes.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { deployHandler, type HandlerDefaults } from "../shared/handler-function";
import { s3Uri, SQL_KEY } from "../storage/layout";
import {
  getQueryStatusStatements,
  type QueryLoopReferences,
  snapshotDatasetStatements,
  startQueryEnvironment,
  startQueryStatements,
} from "./permissions";

export interface QueryLoopArgs extends HandlerDefaults {
  readonly workgroupName: pulumi.Input<string>;
  readonly database: pulumi.Input<string>;
  readonly table: pulumi.Input<string>;
  readonly dataBucket: pulumi.Input<string>;
  readonly artifactBucket: pulumi.Input<string>;
  readonly rawHitsUri: pulumi.Input<string>;
  readonly queryResultsUri: pulumi.Input<string>;
  readonly datasetPrefixUri: pulumi.Input<string>;
  /** Resolved key ARN of the stack's key. @default AWS-managed keys */
  readonly kmsKeyArn?: pulumi.Input<string | undefined>;
  /** The source SQL file. @default "sql/training-data.sql" */
  readonly sqlFile?: string;
}

export class QueryLoop extends pulumi.ComponentResource {
  readonly startQueryArn: pulumi.Output<string>;
  readonly getQueryStatusArn: pulumi.Output<string>;
  readonly snapshotDatasetArn: pulumi.Output<string>;
  /** `s3://<artifacts>/sql/training-data.sql`: the definition's default `InputFilePath`. */
  readonly sqlUri: pulumi.Output<string>;

  constructor(name: string, args: QueryLoopArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:query-loop:QueryLoop", name, {}, opts);
    const sql = new aws.s3.BucketObjectv2(
      `${name}-sql`,
      {
        bucket: args.artifactBucket,
        key: SQL_KEY,
        source: new pulumi.asset.FileAsset(args.sqlFile ?? "sql/training-data.sql"),
        contentType: "text/plain",
        tags: args.tags,
      },
      { parent: this },
    );
    const refs: pulumi.Output<QueryLoopReferences> = pulumi
      .all([
        args.aws,
        args.workgroupName,
        args.database,
        args.table,
        args.dataBucket,
        args.artifactBucket,
        args.rawHitsUri,
        args.kmsKeyArn,
      ])
      .apply(([env, workgroupName, database, table, dataBucket, artifactBucket, rawHitsUri, kmsKeyArn]) => ({
        aws: env,
        workgroupName,
        database,
        table,
        dataBucket,
        artifactBucket,
        rawHitsUri,
        ...(kmsKeyArn ? { kmsKeyArn } : {}),
      }));
    const startQuery = deployHandler(
      name,
      args,
      {
        handler: "start-query",
        statements: refs.apply(startQueryStatements),
        environment: pulumi
          .all([refs, args.queryResultsUri])
          .apply(([resolved, queryResultsUri]) => startQueryEnvironment({ ...resolved, queryResultsUri })),
        // Below the Task's 60 s, so a slow call fails as a Lambda timeout the Retry sees.
        timeoutSeconds: 50,
      },
      this,
    );
    const getQueryStatus = deployHandler(
      name,
      args,
      { handler: "get-query-status", statements: refs.apply(getQueryStatusStatements), timeoutSeconds: 30 },
      this,
    );
    const snapshotDataset = deployHandler(
      name,
      args,
      {
        handler: "snapshot-dataset",
        statements: refs.apply(snapshotDatasetStatements),
        environment: { DATASET_PREFIX: args.datasetPrefixUri },
        // The definition gives the snapshot Task 300 s; the copy of a large result must finish before.
        timeoutSeconds: 280,
        memorySizeMb: 1024,
      },
      this,
    );
    this.startQueryArn = startQuery.functionArn;
    this.getQueryStatusArn = getQueryStatus.functionArn;
    this.snapshotDatasetArn = snapshotDataset.functionArn;
    this.sqlUri = pulumi.all([sql.bucket, sql.key]).apply(([bucket, key]) => s3Uri(bucket, key));
    this.registerOutputs({
      startQueryArn: this.startQueryArn,
      getQueryStatusArn: this.getQueryStatusArn,
      snapshotDatasetArn: this.snapshotDatasetArn,
      sqlUri: this.sqlUri,
    });
  }
}
