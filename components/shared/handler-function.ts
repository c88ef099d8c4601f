// One Lambda handler of the pipeline as deployed: its own role with exactly the statements it needs,
// its log group with retention (created before the function, so Lambda never creates an unbounded one),
// and the function running the bundle `npm run build:handlers` writes to `dist/handlers/<handler>/`.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
// Type only: the build script (and esbuild) never load with the program.
import type { HandlerName } from "../../contracts/handlers";
import type { AwsEnvironment, PolicyStatement } from "../asl/iam";
import { writeLogsStatement } from "./iam";
import { createServiceRole } from "./service-role";

/** Node.js version of the functions (the bundles target Node 20, which runs on it). */
export const LAMBDA_RUNTIME = aws.lambda.Runtime.NodeJS22dX;

export interface HandlerFunctionArgs {
  readonly handler: HandlerName;
  /** The function's name; the log group is `/aws/lambda/<functionName>`. */
  readonly functionName: string;
  readonly aws: pulumi.Input<AwsEnvironment>;
  /** What the handler may do besides writing its logs. */
  readonly statements: pulumi.Input<PolicyStatement[]>;
  readonly environment?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Where the bundles are. @default "dist/handlers" */
  readonly bundleDirectory?: string;
  readonly timeoutSeconds: number;
  /** @default 256 */
  readonly memorySizeMb?: number;
  readonly logRetentionDays: pulumi.Input<number>;
  readonly tags?: pulumi.Input<Record<string, string>>;
}

/** What the handlers of one component share; the component's args extend it. */
export interface HandlerDefaults {
  /** Prefix of the function names, e.g. `visit-time-dev`. */
  readonly namePrefix: string;
  readonly aws: pulumi.Input<AwsEnvironment>;
  /** Where `npm run build:handlers` writes the bundles. @default "dist/handlers" */
  readonly bundleDirectory?: string;
  readonly logRetentionDays: pulumi.Input<number>;
  readonly tags?: pulumi.Input<Record<string, string>>;
}

/** One handler of a component: what differs between them. */
export type HandlerSpec = Pick<
  HandlerFunctionArgs,
  "handler" | "statements" | "environment" | "timeoutSeconds" | "memorySizeMb"
>;

/** Deploys `<namePrefix>-<handler>` as a child of the component. */
export function deployHandler(
  componentName: string,
  defaults: HandlerDefaults,
  spec: HandlerSpec,
  parent: pulumi.Resource,
): HandlerFunction {
  return new HandlerFunction(
    `${componentName}-${spec.handler}`,
    {
      ...spec,
      functionName: `${defaults.namePrefix}-${spec.handler}`,
      aws: defaults.aws,
      bundleDirectory: defaults.bundleDirectory,
      logRetentionDays: defaults.logRetentionDays,
      tags: defaults.tags,
    },
    { parent },
  );
}

export function lambdaLogGroupName(functionName: string): string {
  return `/aws/lambda/${functionName}`;
}

/** The function role's statements: the handler's own, then its log group. */
export function handlerRoleStatements(
  aws: AwsEnvironment,
  functionName: string,
  statements: readonly PolicyStatement[],
): PolicyStatement[] {
  return [...statements, writeLogsStatement("WriteOwnLogs", aws, lambdaLogGroupName(functionName))];
}

export class HandlerFunction extends pulumi.ComponentResource {
  readonly functionArn: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;

  constructor(name: string, args: HandlerFunctionArgs, opts: pulumi.ComponentResourceOptions = {}) {
    super("visit-time:shared:HandlerFunction", name, {}, opts);
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: lambdaLogGroupName(args.functionName),
        retentionInDays: args.logRetentionDays,
        tags: args.tags,
      },
      { parent: this },
    );
    const { role, policy } = createServiceRole(
      `${name}-role`,
      {
        service: "lambda.amazonaws.com",
        description: `Runs the ${args.handler} handler of the visit-time pipeline.`,
        aws: args.aws,
        statements: pulumi
          .all([args.aws, args.statements])
          .apply(([env, statements]) => handlerRoleStatements(env, args.functionName, statements)),
        tags: args.tags,
      },
      this,
    );
    const fn = new aws.lambda.Function(
      name,
      {
        name: args.functionName,
        description: `visit-time pipeline: ${args.handler}`,
        runtime: LAMBDA_RUNTIME,
        architectures: ["arm64"],
        handler: "index.handler",
        code: new pulumi.asset.FileArchive(`${args.bundleDirectory ?? "dist/handlers"}/${args.handler}`),
        role: role.arn,
        timeout: args.timeoutSeconds,
        memorySize: args.memorySizeMb ?? 256,
        environment: args.environment ? { variables: args.environment } : undefined,
        tags: args.tags,
      },
      { parent: this, dependsOn: [logGroup, policy] },
    );
    this.functionArn = fn.arn;
    this.functionName = fn.name;
    this.roleArn = role.arn;
    this.logGroupName = logGroup.name;
    this.registerOutputs({
      functionArn: this.functionArn,
      functionName: this.functionName,
      roleArn: this.roleArn,
      logGroupName: this.logGroupName,
    });
  }
}
