// Storage: the data bucket (query results, dataset snapshots) and the artifact bucket (SQL, job outputs,
// models, evaluations, data capture), both encrypted, private, TLS-only; the Athena workgroup with its
// enforced, encrypted result location and bytes-scanned limit; the Glue database and table over the raw
// hits, or references to existing ones.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsEnvironment } from "../asl/iam";
import {
  artifactLifecycleRules,
  athenaResultEncryption,
  bucketEncryptionRule,
  DATA_PREFIXES,
  dataLifecycleRules,
  MEGABYTE,
  RAW_HITS_COLUMNS,
  s3Uri,
  tlsOnlyBucketPolicy,
} from "./layout";

export interface RawHitsSource {
  database: string;
  table: string;
  /** Create the Glue database and table; otherwise they exist already. */
  createGlueTable: boolean;
  /** The raw hits' S3 location; required to create the table, looked up from Glue otherwise. */
  rawHitsUri?: string;
}

export interface StorageArgs {
  readonly aws: pulumi.Input<AwsEnvironment>;
  /** Resolved key ARN (not an alias) of the stack's key. @default AWS-managed encryption */
  readonly kmsKeyArn?: pulumi.Input<string | undefined>;
  readonly source: RawHitsSource;
  readonly queryResultExpirationDays: pulumi.Input<number>;
  readonly bytesScannedCutoffMb: pulumi.Input<number>;
  /** Let `pulumi destroy` delete non-empty buckets (dev). @default false */
  readonly forceDestroy?: boolean;
  readonly tags?: pulumi.Input<Record<string, string>>;
}

/** Validates what cannot be expressed in the config schema alone, naming the key. */
export function validateRawHitsSource(source: RawHitsSource): void {
  if (source.createGlueTable && !source.rawHitsUri) {
    throw new Error("[source.rawHitsUri] is required when source.createGlueTable is true.");
  }
}

export class Storage extends pulumi.ComponentResource {
  readonly dataBucketName: pulumi.Output<string>;
  readonly dataBucketArn: pulumi.Output<string>;
  readonly artifactBucketName: pulumi.Output<string>;
  readonly artifactBucketArn: pulumi.Output<string>;
  readonly workgroupName: pulumi.Output<string>;
  readonly workgroupArn: pulumi.Output<string>;
  readonly databaseName: pulumi.Output<string>;
  readonly tableName: pulumi.Output<string>;
  /** `s3://bucket/prefix/` of the raw hits (what Athena reads). */
  readonly rawHitsUri: pulumi.Output<string>;
  /** `s3://<data>/query-results/` */
  readonly queryResultsUri: pulumi.Output<string>;
  /** `s3://<data>/datasets` (the snapshot handler's DATASET_PREFIX) */
  readonly datasetPrefixUri: pulumi.Output<string>;

  constructor(name: string, args: StorageArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:storage:Storage", name, {}, opts);
    validateRawHitsSource(args.source);
    const data = this.privateBucket(`${name}-data`, args);
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-data-lifecycle`,
      {
        bucket: data.id,
        rules: pulumi.output(args.queryResultExpirationDays).apply(dataLifecycleRules),
      },
      { parent: this },
    );
    const artifacts = this.privateBucket(`${name}-artifacts`, args);
    const versioning = new aws.s3.BucketVersioning(
      `${name}-artifacts-versioning`,
      { bucket: artifacts.id, versioningConfiguration: { status: "Enabled" } },
      { parent: this },
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-artifacts-lifecycle`,
      { bucket: artifacts.id, rules: artifactLifecycleRules() },
      { parent: this, dependsOn: [versioning] },
    );

    this.queryResultsUri = data.bucket.apply((bucket) => s3Uri(bucket, DATA_PREFIXES.queryResults));
    this.datasetPrefixUri = data.bucket.apply((bucket) => s3Uri(bucket, DATA_PREFIXES.datasets.slice(0, -1)));
    const workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        name,
        description:
          "Runs the visit-time pipeline's source query; results land encrypted in the data bucket.",
        state: "ENABLED",
        // Deleting the stack must not fail on the workgroup's query history.
        forceDestroy: true,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          bytesScannedCutoffPerQuery: pulumi.output(args.bytesScannedCutoffMb).apply((mb) => mb * MEGABYTE),
          resultConfiguration: {
            outputLocation: this.queryResultsUri,
            encryptionConfiguration: pulumi.output(args.kmsKeyArn).apply(athenaResultEncryption),
          },
        },
        tags: args.tags,
      },
      { parent: this },
    );

    const source = this.rawHitsTable(name, args);
    this.dataBucketName = data.bucket;
    this.dataBucketArn = data.arn;
    this.artifactBucketName = artifacts.bucket;
    this.artifactBucketArn = artifacts.arn;
    this.workgroupName = workgroup.name;
    this.workgroupArn = workgroup.arn;
    this.databaseName = source.databaseName;
    this.tableName = source.tableName;
    this.rawHitsUri = source.location;
    this.registerOutputs({
      dataBucketName: this.dataBucketName,
      artifactBucketName: this.artifactBucketName,
      workgroupName: this.workgroupName,
      databaseName: this.databaseName,
      tableName: this.tableName,
      rawHitsUri: this.rawHitsUri,
    });
  }

  /** A bucket with owner-enforced ownership, no public access, default encryption and TLS only. */
  private privateBucket(name: string, args: StorageArgs): aws.s3.Bucket {
    const bucket = new aws.s3.Bucket(
      name,
      { forceDestroy: args.forceDestroy ?? false, tags: args.tags },
      { parent: this },
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
      { parent: this },
    );
    new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      { parent: this },
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      { bucket: bucket.id, rules: [pulumi.output(args.kmsKeyArn).apply(bucketEncryptionRule)] },
      { parent: this },
    );
    new aws.s3.BucketPolicy(
      `${name}-tls-only`,
      {
        bucket: bucket.id,
        policy: pulumi
          .all([args.aws, bucket.bucket])
          .apply(([env, bucketName]) => JSON.stringify(tlsOnlyBucketPolicy(env, bucketName))),
      },
      { parent: this },
    );
    return bucket;
  }

  private rawHitsTable(
    name: string,
    args: StorageArgs,
  ): {
    databaseName: pulumi.Output<string>;
    tableName: pulumi.Output<string>;
    location: pulumi.Output<string>;
  } {
    const source = args.source;
    if (!source.createGlueTable) {
      const location = source.rawHitsUri
        ? pulumi.output(source.rawHitsUri)
        : aws.glue
            .getCatalogTableOutput({ databaseName: source.database, name: source.table }, { parent: this })
            .apply((table) => {
              const found = table.storageDescriptors[0]?.location;
              if (!found) {
                throw new Error(
                  `[source] the Glue table ${source.database}.${source.table} has no S3 location; set source.rawHitsUri.`,
                );
              }
              return found;
            });
      return {
        databaseName: pulumi.output(source.database),
        tableName: pulumi.output(source.table),
        location,
      };
    }
    const location = source.rawHitsUri ?? "";
    const database = new aws.glue.CatalogDatabase(
      `${name}-database`,
      { name: source.database, description: "visit-time pipeline: raw app hits." },
      { parent: this },
    );
    const table = new aws.glue.CatalogTable(
      `${name}-raw-hits`,
      {
        databaseName: database.name,
        name: source.table,
        description: "One row per page hit (docs/contracts.md, Raw hits).",
        tableType: "EXTERNAL_TABLE",
        parameters: { classification: "csv", "skip.header.line.count": "1", EXTERNAL: "TRUE" },
        storageDescriptor: {
          location,
          inputFormat: "org.apache.hadoop.mapred.TextInputFormat",
          outputFormat: "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
          serDeInfo: {
            serializationLibrary: "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
            parameters: { "field.delim": ",", "serialization.format": "," },
          },
          columns: RAW_HITS_COLUMNS.map((column) => ({ ...column })),
        },
      },
      { parent: this },
    );
    return { databaseName: database.name, tableName: table.name, location: pulumi.output(location) };
  }
}
