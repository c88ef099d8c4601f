// SageMakerStages: the ECR repository and the one training/serving image built from `training/` with
// `@pulumi/awsx`, the SageMaker execution role, and the champion-model handler that tells Evaluate which
// model the endpoint serves. Exposes the image, the role and the handler: the references the definition's
// Preprocess, Train, FindChampion and Evaluate states (./definition.ts) run with.
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import type { AwsEnvironment } from "../asl/iam";
import { deployHandler, type HandlerDefaults } from "../shared/handler-function";
import { createServiceRole } from "../shared/service-role";
import { championModelStatements, repositoryLifecyclePolicy, sageMakerRoleStatements } from "./permissions";

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
  readonly container?: ContainerBuild;
  /** Images kept in the repository. @default 20 */
  readonly keepImages?: number;
  /** Let `pulumi destroy` delete a repository that still holds images (dev). @default false */
  readonly forceDelete?: boolean;
  readonly tags?: pulumi.Input<Record<string, string>>;
}

export class SageMakerStages extends pulumi.ComponentResource {
  readonly repositoryUrl: pulumi.Output<string>;
  readonly repositoryArn: pulumi.Output<string>;
  /** The pushed image, by digest. */
  readonly imageUri: pulumi.Output<string>;
  /** The role SageMaker jobs and models run with. */
  readonly roleArn: pulumi.Output<string>;
  /** The champion-model handler's function. */
  readonly championModelArn: pulumi.Output<string>;

  constructor(name: string, args: SageMakerStagesArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:sagemaker-stages:SageMakerStages", name, {}, opts);
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
    this.registerOutputs({
      repositoryUrl: this.repositoryUrl,
      imageUri: this.imageUri,
      roleArn: this.roleArn,
      championModelArn: this.championModelArn,
    });
  }
}
