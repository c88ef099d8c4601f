// TrainingPipeline: the whole deployment of one stack. Composes Storage, QueryLoop, SageMakerStages and
// ModelEndpoint, resolves their references into PipelineSettings, and deploys the state machine whose
// definition is exactly `renderPipelineDefinition(settings)` (./state-machine.ts: its role and log
// group), the retraining schedule (./schedule.ts) and the notifications (./notifications.ts).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AwsEnvironment, PolicyStatement } from "../asl/iam";
import { type DeployedReferences, pipelineSettingsFromConfig, stackTags, type StackConfig } from "../config";
import { ModelEndpoint } from "../model-endpoint/model-endpoint";
import { QueryLoop } from "../query-loop/query-loop";
import { type ContainerBuild, SageMakerStages } from "../sagemaker-stages/sagemaker-stages";
import type { PipelineSettings } from "../settings";
import { kmsAliasName } from "../shared/iam";
import { Storage } from "../storage/storage";
import { renderPipelineDefinition } from "./definition";
import { FailureNotifications, NotificationTopic } from "./notifications";
import { startExecutionCommand, stateMachineConsoleUrl } from "./operations";
import { scheduleRetraining } from "./schedule";
import { deployStateMachine, stateMachineRoleStatements } from "./state-machine";

export interface TrainingPipelineArgs {
  /** The validated stack configuration (`parseStackConfig`). */
  readonly config: StackConfig;
  /** Partition, region and account. @default looked up from the AWS provider */
  readonly aws?: pulumi.Input<AwsEnvironment>;
  /** @default "dist/handlers" */
  readonly bundleDirectory?: string;
  /** @default "sql/training-data.sql" */
  readonly sqlFile?: string;
  readonly container?: ContainerBuild;
}

export class TrainingPipeline extends pulumi.ComponentResource {
  readonly storage: Storage;
  readonly queryLoop: QueryLoop;
  readonly sageMakerStages: SageMakerStages;
  readonly modelEndpoint: ModelEndpoint;
  readonly settings: pulumi.Output<PipelineSettings>;
  readonly definition: pulumi.Output<string>;
  readonly stateMachineArn: pulumi.Output<string>;
  readonly stateMachineName: pulumi.Output<string>;
  readonly stateMachineRoleStatements: pulumi.Output<PolicyStatement[]>;
  readonly dataBucketName: pulumi.Output<string>;
  readonly artifactBucketName: pulumi.Output<string>;
  readonly endpointName: pulumi.Output<string>;
  readonly imageUri: pulumi.Output<string>;
  readonly notificationTopicArn: pulumi.Output<string>;
  /** The model registry of the endpoint (SageMaker Model Package Group). */
  readonly modelPackageGroupName: pulumi.Output<string>;
  readonly scheduleName: pulumi.Output<string>;
  readonly consoleUrl: pulumi.Output<string>;
  readonly startExecutionCommand: pulumi.Output<string>;

  constructor(name: string, args: TrainingPipelineArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:pipeline:TrainingPipeline", name, {}, opts);
    const config = args.config;
    const tags = stackTags(config);
    const env = args.aws ? pulumi.output(args.aws) : this.lookUpEnvironment();
    const kmsKeyArn = this.resolveKmsKey(config.kmsKeyArn);
    const isDev = config.environment === "dev";
    const logRetentionDays = config.logging.retentionDays;

    this.storage = new Storage(
      name,
      {
        aws: env,
        kmsKeyArn,
        source: config.source,
        queryResultExpirationDays: config.query.resultExpirationDays,
        bytesScannedCutoffMb: config.query.bytesScannedCutoffMb,
        forceDestroy: isDev,
        tags,
      },
      { parent: this },
    );
    const topic = new NotificationTopic(
      name,
      { aws: env, email: config.notifications.email, tags },
      { parent: this },
    );
    this.queryLoop = new QueryLoop(
      name,
      {
        aws: env,
        namePrefix: name,
        workgroupName: this.storage.workgroupName,
        database: this.storage.databaseName,
        table: this.storage.tableName,
        dataBucket: this.storage.dataBucketName,
        artifactBucket: this.storage.artifactBucketName,
        rawHitsUri: this.storage.rawHitsUri,
        queryResultsUri: this.storage.queryResultsUri,
        datasetPrefixUri: this.storage.datasetPrefixUri,
        kmsKeyArn,
        sqlFile: args.sqlFile,
        bundleDirectory: args.bundleDirectory,
        logRetentionDays,
        tags,
      },
      { parent: this },
    );
    this.sageMakerStages = new SageMakerStages(
      name,
      {
        aws: env,
        namePrefix: name,
        endpointName: config.endpoint.name,
        dataBucket: this.storage.dataBucketName,
        artifactBucket: this.storage.artifactBucketName,
        kmsKeyArn,
        dataCapture: config.endpoint.dataCapture !== undefined,
        container: args.container,
        forceDelete: isDev,
        bundleDirectory: args.bundleDirectory,
        logRetentionDays,
        tags,
      },
      { parent: this },
    );
    this.modelEndpoint = new ModelEndpoint(
      name,
      {
        aws: env,
        namePrefix: name,
        endpointName: config.endpoint.name,
        artifactBucket: this.storage.artifactBucketName,
        kmsKeyArn,
        dataCapture: config.endpoint.dataCapture,
        alarms: config.endpoint.alarms,
        alarmTopicArn: topic.topicArn,
        bundleDirectory: args.bundleDirectory,
        logRetentionDays,
        tags,
      },
      { parent: this },
    );

    this.settings = this.deployedReferences(env, kmsKeyArn, name, topic.topicArn).apply((refs) =>
      pipelineSettingsFromConfig(config, refs),
    );
    this.definition = this.settings.apply(renderPipelineDefinition);
    this.stateMachineRoleStatements = pulumi
      .all([this.settings, kmsKeyArn])
      .apply(([settings, keyArn]) => stateMachineRoleStatements(settings, keyArn));
    const stateMachine = deployStateMachine(
      name,
      {
        aws: env,
        definition: this.definition,
        roleStatements: this.stateMachineRoleStatements,
        logging: config.logging,
        tags,
      },
      this,
    );
    const schedule = scheduleRetraining(
      name,
      { aws: env, stateMachineArn: stateMachine.arn, schedule: config.schedule, tags },
      this,
    );
    new FailureNotifications(
      name,
      { aws: env, stateMachineArn: stateMachine.arn, topicArn: topic.topicArn, tags },
      { parent: this },
    );

    this.stateMachineArn = stateMachine.arn;
    this.stateMachineName = stateMachine.name;
    this.dataBucketName = this.storage.dataBucketName;
    this.artifactBucketName = this.storage.artifactBucketName;
    this.endpointName = this.modelEndpoint.endpointName;
    this.imageUri = this.sageMakerStages.imageUri;
    this.notificationTopicArn = topic.topicArn;
    this.modelPackageGroupName = this.modelEndpoint.modelPackageGroupName;
    this.scheduleName = schedule.name;
    this.consoleUrl = pulumi
      .all([env, stateMachine.arn])
      .apply(([environment, arn]) => stateMachineConsoleUrl(environment.region, arn));
    this.startExecutionCommand = pulumi
      .all([env, stateMachine.arn])
      .apply(([environment, arn]) => startExecutionCommand(environment.region, arn));
    this.registerOutputs({
      stateMachineArn: this.stateMachineArn,
      dataBucketName: this.dataBucketName,
      artifactBucketName: this.artifactBucketName,
      endpointName: this.endpointName,
      imageUri: this.imageUri,
      notificationTopicArn: this.notificationTopicArn,
      modelPackageGroupName: this.modelPackageGroupName,
      scheduleName: this.scheduleName,
      consoleUrl: this.consoleUrl,
      startExecutionCommand: this.startExecutionCommand,
    });
  }

  /** The references the stages resolve once deployed: the settings are the configuration with them. */
  private deployedReferences(
    env: pulumi.Output<AwsEnvironment>,
    kmsKeyArn: pulumi.Output<string | undefined>,
    stackName: string,
    notificationTopicArn: pulumi.Output<string>,
  ): pulumi.Output<DeployedReferences> {
    return pulumi.output({
      aws: env,
      lambdas: {
        startQuery: this.queryLoop.startQueryArn,
        getQueryStatus: this.queryLoop.getQueryStatusArn,
        snapshotDataset: this.queryLoop.snapshotDatasetArn,
        qualityGate: this.modelEndpoint.qualityGateArn,
        endpointStatus: this.modelEndpoint.endpointStatusArn,
        championModel: this.sageMakerStages.championModelArn,
      },
      dataBucket: this.storage.dataBucketName,
      artifactBucket: this.storage.artifactBucketName,
      sqlUri: this.queryLoop.sqlUri,
      sageMakerRoleArn: this.sageMakerStages.roleArn,
      imageUri: this.sageMakerStages.imageUri,
      notificationTopicArn,
      kmsKeyArn,
      stackName,
    });
  }

  private lookUpEnvironment(): pulumi.Output<AwsEnvironment> {
    const invoke = { parent: this };
    return pulumi
      .all([
        aws.getPartitionOutput({}, invoke),
        aws.getRegionOutput({}, invoke),
        aws.getCallerIdentityOutput({}, invoke),
      ])
      .apply(([partition, region, identity]) => ({
        partition: partition.partition,
        region: region.region,
        accountId: identity.accountId,
      }));
  }

  /** The configured key as a key ARN: IAM statements and some services need the key, not its alias. */
  private resolveKmsKey(configured: string | undefined): pulumi.Output<string | undefined> {
    if (!configured) return pulumi.output(undefined);
    const alias = kmsAliasName(configured);
    if (!alias) return pulumi.output(configured);
    return aws.kms.getAliasOutput({ name: alias }, { parent: this }).targetKeyArn;
  }
}
