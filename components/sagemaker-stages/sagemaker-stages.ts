// SageMakerStages: the ECR repository and the one training/serving image built from `training/` with
// `@pulumi/awsx`, the SageMaker execution role, the jobs' settings (instance types and counts,
// volume sizes, maximum runtimes, metric definitions) and the champion-model handler that tells Evaluate
// which model the endpoint serves. Exposes its ASL fragment (Preprocess, Train,
// Evaluate) and the state machine's statements, both from the builder props the composer maps its
// settings to.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { AwsEnvironment, PolicyStatement } from "../asl/iam";
import type { Fragment } from "../asl/types";
import { sageMakerStagesProps } from "../pipeline/definition";
import { jobResourcesSchema, type JobResources } from "../settings";
import { describeIssues } from "../settings";
import { deployHandler, type HandlerDefaults } from "../shared/handler-function";
import { createServiceRole } from "../shared/service-role";
import { buildSageMakerStagesFragment, sageMakerStagesStatements } from "./definition";
import { championModelStatements, repositoryLifecyclePolicy, sageMakerRoleStatements } from "./permissions";

export interface SageMakerJobs {
  processing: JobResources;
  training: JobResources;
  evaluation: JobResources;
}

export interface ContainerBuild {
  /** Build context, relative to the project directory. @default "." */
  context?: string;
  /** @default "training/Dockerfile" */
  dockerfile?: string;
  /** SageMaker runs x86-64 instances of the configured types. @default "linux/amd64" */
  platform?: string;
}

export interface SageMakerStagesArgs extends HandlerDefaults {
  readonly aws: pulumi.Input<AwsEnvironment>;
  /** The endpoint whose model Evaluate scores beside the candidate (champion-model may describe it). */
  readonly endpointName: string;
  readonly dataBucket: pulumi.Input<string>;
  readonly artifactBucket: pulumi.Input<string>;
  /** The stack's key as a key ARN (ECR, the role's grants, the jobs' volumes and outputs). @default AWS-managed keys */
  readonly kmsKeyArn?: pulumi.Input<string | undefined>;
  /** The endpoint captures data to the artifact bucket. */
  readonly dataCapture: boolean;
  /** The jobs' resources (validated here: each bad key is named). */
  readonly jobs: SageMakerJobs;
  readonly metricDefinitions: readonly { Name: string; Regex: string }[];
  /** What the training job is given, as strings. */
  readonly hyperparameters: Readonly<Record<string, string>>;
  /** The state the fragment continues to after Evaluate (`STAGE_NEXT.sageMakerStages` in the pipeline). */
  readonly next: string;
  readonly container?: ContainerBuild;
  /** Images kept in the repository. @default 20 */
  readonly keepImages?: number;
  /** Let `pulumi destroy` delete a repository that still holds images (dev). @default false */
  readonly forceDelete?: boolean;
  readonly tags?: pulumi.Input<Record<string, string>>;
}

/** Throws naming each bad key, e.g. `[instances.training.instanceType] must be ...`. */
export function validateJobs(jobs: SageMakerJobs): void {
  const problems = (Object.entries(jobs) as [keyof SageMakerJobs, JobResources][]).flatMap(
    ([stage, resources]) => {
      const result = jobResourcesSchema.safeParse(resources);
      return result.success ? [] : describeIssues(result.error.issues, `instances.${stage}`);
    },
  );
  if (problems.length > 0) throw new Error(`Invalid SageMaker jobs:\n  - ${problems.join("\n  - ")}`);
}

export class SageMakerStages extends pulumi.ComponentResource {
  readonly repositoryUrl: pulumi.Output<string>;
  readonly repositoryArn: pulumi.Output<string>;
  /** The pushed image, by digest. */
  readonly imageUri: pulumi.Output<string>;
  /** The role SageMaker jobs and models run with. */
  readonly roleArn: pulumi.Output<string>;
  readonly jobs: pulumi.Output<SageMakerJobs>;
  readonly metricDefinitions: pulumi.Output<{ Name: string; Regex: string }[]>;
  /** The champion-model handler's function. */
  readonly championModelArn: pulumi.Output<string>;
  /** Preprocess, Train and Evaluate, run with this component's role and image. */
  readonly fragment: pulumi.Output<Fragment>;
  /** What the state machine's role needs for this stage. */
  readonly stateMachineStatements: pulumi.Output<PolicyStatement[]>;

  constructor(name: string, args: SageMakerStagesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:sagemaker-stages:SageMakerStages", name, {}, opts);
    validateJobs(args.jobs);
    const metricDefinitions = args.metricDefinitions.map((metric) => ({ ...metric }));
    const repository = new aws.ecr.Repository(
      `${name}-training`,
      {
        imageScanningConfiguration: { scanOnPush: true },
        // Tags move (awsx pushes the build under a tag); models pin the digest, and the lifecycle
        // policy below bounds how many images are kept.
        imageTagMutability: "MUTABLE",
        encryptionConfigurations: [
          pulumi
            .output(args.kmsKeyArn)
            .apply((kmsKey) => (kmsKey ? { encryptionType: "KMS", kmsKey } : { encryptionType: "AES256" })),
        ],
        forceDelete: args.forceDelete ?? false,
        tags: args.tags,
      },
      { parent: this },
    );
    new aws.ecr.LifecyclePolicy(
      `${name}-training-lifecycle`,
      {
        repository: repository.name,
        policy: JSON.stringify(repositoryLifecyclePolicy(args.keepImages ?? 20)),
      },
      { parent: this },
    );
    const image = new awsx.ecr.Image(
      `${name}-image`,
      {
        repositoryUrl: repository.repositoryUrl,
        context: args.container?.context ?? ".",
        dockerfile: args.container?.dockerfile ?? "training/Dockerfile",
        platform: args.container?.platform ?? "linux/amd64",
      },
      { parent: this },
    );
    const { role } = createServiceRole(
      `${name}-execution-role`,
      {
        service: "sagemaker.amazonaws.com",
        description: "Runs the visit-time pipeline's SageMaker jobs and models.",
        aws: args.aws,
        statements: pulumi
          .all([args.aws, args.dataBucket, args.artifactBucket, repository.arn, args.kmsKeyArn])
          .apply(([env, dataBucket, artifactBucket, repositoryArn, kmsKeyArn]) =>
            sageMakerRoleStatements({
              aws: env,
              dataBucket,
              artifactBucket,
              repositoryArn,
              dataCapture: args.dataCapture,
              ...(kmsKeyArn ? { kmsKeyArn } : {}),
            }),
          ),
        tags: args.tags,
      },
      this,
    );
    const championModel = deployHandler(
      name,
      args,
      {
        handler: "champion-model",
        statements: pulumi.output(args.aws).apply((env) => championModelStatements(env, args.endpointName)),
        timeoutSeconds: 30,
      },
      this,
    );
    this.championModelArn = championModel.functionArn;
    this.repositoryUrl = repository.repositoryUrl;
    this.repositoryArn = repository.arn;
    this.imageUri = image.imageUri;
    this.roleArn = role.arn;
    this.jobs = pulumi.output(args.jobs);
    this.metricDefinitions = pulumi.output(metricDefinitions);
    const stage = pulumi
      .all([
        args.aws,
        role.arn,
        image.imageUri,
        args.artifactBucket,
        args.tags,
        this.championModelArn,
        args.kmsKeyArn,
      ])
      .apply(([env, roleArn, imageUri, artifactBucket, tags, championModel, kmsKeyArn]) =>
        sageMakerStagesProps(
          {
            aws: env,
            tags: tags ?? {},
            lambdas: { championModel },
            storage: { artifactBucket, kmsKeyArn },
            sagemaker: {
              roleArn,
              imageUri,
              preprocessing: args.jobs.processing,
              training: args.jobs.training,
              evaluation: args.jobs.evaluation,
              hyperparameters: args.hyperparameters,
              metricDefinitions,
            },
          },
          args.next,
        ),
      );
    this.fragment = stage.apply(buildSageMakerStagesFragment);
    this.stateMachineStatements = stage.apply(sageMakerStagesStatements);
    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      imageUri: this.imageUri,
      roleArn: this.roleArn,
      championModelArn: this.championModelArn,
      jobs: this.jobs,
      fragment: this.fragment,
      stateMachineStatements: this.stateMachineStatements,
    });
  }
}
