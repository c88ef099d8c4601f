// `npm run execution -- promote|rollback` on AWS, through the SageMaker API: deploy a registered model
// package (a version of the endpoint's Model Package Group) to the stack's endpoint without retraining,
// as the pipeline's deployment does (CreateModel → CreateEndpointConfig → UpdateEndpoint → wait until
// InService, bounded), and approve the package with the reason. The new model takes the execution role of
// the model the endpoint serves, and the new configuration copies the current one's variant, data capture
// and key, so a promotion changes the model and nothing else.
import {
  CreateEndpointConfigCommand,
  CreateModelCommand,
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  DescribeModelCommand,
  ListTagsCommand,
  DescribeModelPackageCommand,
  type DescribeModelPackageCommandOutput,
  ListModelPackagesCommand,
  type SageMakerClient,
  UpdateEndpointCommand,
  UpdateModelPackageCommand,
} from "@aws-sdk/client-sagemaker";
import { ExecutionCliError } from "./aws-errors";

export interface DeployTarget {
  endpointName: string;
  /** The Model Package Group the pipeline registers models in. */
  groupName: string;
}

export interface DeployIo {
  out: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
  now: () => Date;
  /** Endpoint status checks: every `pollMs`, at most `maxPolls` times. */
  pollMs: number;
  maxPolls: number;
}

type ModelPackage = DescribeModelPackageCommandOutput;

/** The run a package came from (CustomerMetadataProperties.executionName), else its version. */
function runOf(pkg: ModelPackage): string {
  return pkg.CustomerMetadataProperties?.["executionName"] ?? `version ${pkg.ModelPackageVersion ?? "?"}`;
}

function modelDataUrlOf(pkg: ModelPackage): string {
  const url = pkg.InferenceSpecification?.Containers?.[0]?.ModelDataUrl;
  if (!url)
    throw new ExecutionCliError(
      `Model package ${pkg.ModelPackageArn} has no ModelDataUrl: it cannot be deployed.`,
    );
  return url;
}

/** Every package of the group, described, oldest version first. */
export async function listPackages(client: SageMakerClient, groupName: string): Promise<ModelPackage[]> {
  const arns: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(
      new ListModelPackagesCommand({
        ModelPackageGroupName: groupName,
        SortBy: "CreationTime",
        SortOrder: "Ascending",
        NextToken,
      }),
    );
    arns.push(...(page.ModelPackageSummaryList ?? []).map((summary) => summary.ModelPackageArn ?? ""));
    NextToken = page.NextToken;
  } while (NextToken);
  const packages: ModelPackage[] = [];
  for (const arn of arns.filter(Boolean)) {
    packages.push(await client.send(new DescribeModelPackageCommand({ ModelPackageName: arn })));
  }
  return packages.sort((a, b) => (a.ModelPackageVersion ?? 0) - (b.ModelPackageVersion ?? 0));
}

/** The package of a run (its execution name) or with this ARN; an unknown one is named, with the known. */
export function findPackage(
  packages: readonly ModelPackage[],
  reference: string,
  groupName: string,
): ModelPackage {
  const found = packages.find((pkg) => pkg.ModelPackageArn === reference || runOf(pkg) === reference);
  if (found) return found;
  const known = packages.map(runOf);
  throw new ExecutionCliError(
    `No model package of run "${reference}" in group ${groupName}. ` +
      (known.length === 0
        ? "The group has no packages: no execution has evaluated a model yet."
        : `Runs with a package: ${known.slice(-20).join(", ")}.`),
  );
}

async function serving(client: SageMakerClient, endpointName: string) {
  let endpoint;
  try {
    endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: endpointName }));
  } catch (error) {
    if (error instanceof Error && error.name === "ValidationException") {
      throw new ExecutionCliError(
        `Endpoint ${endpointName} does not exist: start an execution that deploys a model first.`,
      );
    }
    throw error;
  }
  const config = await client.send(
    new DescribeEndpointConfigCommand({ EndpointConfigName: endpoint.EndpointConfigName }),
  );
  const variant = config.ProductionVariants?.[0];
  if (!variant?.ModelName)
    throw new ExecutionCliError(`Endpoint configuration ${config.EndpointConfigName} has no model.`);
  const model = await client.send(new DescribeModelCommand({ ModelName: variant.ModelName }));
  // The stack's tags (its IAM lets the pipeline follow and deploy only resources that carry them), copied
  // to what a promotion creates, so that the next execution may still replace it.
  const tags = model.ModelArn
    ? ((await client.send(new ListTagsCommand({ ResourceArn: model.ModelArn })))?.Tags ?? [])
    : [];
  return { config, variant, model, tags };
}

/** `<run (cut)>-p<UTC yyyymmddhhmmss>`: unique per promotion, 56 characters at most, so `-config` fits 63. */
export function promotionName(run: string, now: Date): string {
  const stamp = `-p${now.toISOString().replace(/\D/g, "").slice(0, 14)}`;
  return `${run.replace(/[^a-zA-Z0-9-]/g, "-").slice(0, 56 - stamp.length)}${stamp}`;
}

async function waitInService(
  client: SageMakerClient,
  target: DeployTarget,
  configName: string,
  io: DeployIo,
): Promise<void> {
  for (let poll = 1; poll <= io.maxPolls; poll++) {
    await io.sleep(io.pollMs);
    const endpoint = await client.send(new DescribeEndpointCommand({ EndpointName: target.endpointName }));
    if (endpoint.EndpointStatus === "InService") {
      if (endpoint.EndpointConfigName === configName) return;
      throw new ExecutionCliError(
        `Endpoint ${target.endpointName} is InService with ${endpoint.EndpointConfigName} instead of ${configName}: ` +
          `the update was rolled back (${endpoint.FailureReason ?? "no reason given"}).`,
      );
    }
    if (endpoint.EndpointStatus === "Failed") {
      throw new ExecutionCliError(
        `Endpoint ${target.endpointName} failed: ${endpoint.FailureReason ?? "no reason given"}.`,
      );
    }
    io.out(`  endpoint ${endpoint.EndpointStatus ?? "?"} (check ${poll} of ${io.maxPolls})`);
  }
  throw new ExecutionCliError(
    `Endpoint ${target.endpointName} was not InService after ${io.maxPolls} checks: it keeps updating; follow it in the console.`,
  );
}

/** Deploys the package to the endpoint and approves it with `description`. */
export async function deployPackage(
  client: SageMakerClient,
  target: DeployTarget,
  pkg: ModelPackage,
  description: string,
  io: DeployIo,
): Promise<void> {
  const modelDataUrl = modelDataUrlOf(pkg);
  const current = await serving(client, target.endpointName);
  if (current.model.PrimaryContainer?.ModelDataUrl === modelDataUrl) {
    io.out(
      `Endpoint ${target.endpointName} already serves the model of ${runOf(pkg)} (${current.model.ModelName}): nothing to do.`,
    );
    return;
  }
  const name = promotionName(runOf(pkg), io.now());
  const modelName = `${name}-model`;
  const configName = `${name}-config`;
  await client.send(
    new CreateModelCommand({
      ModelName: modelName,
      ExecutionRoleArn: current.model.ExecutionRoleArn,
      ...(current.tags.length > 0 ? { Tags: current.tags } : {}),
      PrimaryContainer: {
        Image: pkg.InferenceSpecification?.Containers?.[0]?.Image,
        ModelDataUrl: modelDataUrl,
        Environment: {
          EVALUATION_URI: pkg.ModelMetrics?.ModelQuality?.Statistics?.S3Uri ?? "",
          MODEL_VERSION: runOf(pkg),
        },
      },
    }),
  );
  await client.send(
    new CreateEndpointConfigCommand({
      EndpointConfigName: configName,
      ProductionVariants: [{ ...current.variant, ModelName: modelName }],
      ...(current.config.DataCaptureConfig ? { DataCaptureConfig: current.config.DataCaptureConfig } : {}),
      ...(current.config.KmsKeyId ? { KmsKeyId: current.config.KmsKeyId } : {}),
      ...(current.tags.length > 0 ? { Tags: current.tags } : {}),
    }),
  );
  await client.send(
    new UpdateEndpointCommand({ EndpointName: target.endpointName, EndpointConfigName: configName }),
  );
  io.out(
    `Endpoint ${target.endpointName}: updating from ${current.model.ModelName} to ${modelName} (${runOf(pkg)})`,
  );
  await waitInService(client, target, configName, io);
  await client.send(
    new UpdateModelPackageCommand({
      ModelPackageArn: pkg.ModelPackageArn,
      ModelApprovalStatus: "Approved",
      ApprovalDescription: description.slice(0, 1024),
    }),
  );
  io.out(
    `Endpoint ${target.endpointName} serves ${modelName}; model package ${pkg.ModelPackageArn} Approved: ${description}`,
  );
}

export async function promote(
  client: SageMakerClient,
  target: DeployTarget,
  reference: string,
  reason: string,
  io: DeployIo,
): Promise<void> {
  const pkg = findPackage(await listPackages(client, target.groupName), reference, target.groupName);
  await deployPackage(client, target, pkg, `promoted by hand: ${reason}`, io);
}

/**
 * The endpoint back to the previous model: the newest Approved package older than the one it serves
 * (Approved packages are the ones the gate or a promotion deployed; Rejected ones never served).
 */
export async function rollback(
  client: SageMakerClient,
  target: DeployTarget,
  reason: string,
  io: DeployIo,
): Promise<void> {
  const packages = await listPackages(client, target.groupName);
  const current = await serving(client, target.endpointName);
  const url = current.model.PrimaryContainer?.ModelDataUrl;
  const servingIndex = packages.findIndex(
    (pkg) => pkg.InferenceSpecification?.Containers?.[0]?.ModelDataUrl === url,
  );
  if (servingIndex < 0) {
    throw new ExecutionCliError(
      `The endpoint's model ${current.model.ModelName} (${url}) is no package of ${target.groupName}: promote a run by name instead.`,
    );
  }
  const previous = packages
    .slice(0, servingIndex)
    .reverse()
    .find((pkg) => pkg.ModelApprovalStatus === "Approved");
  if (!previous) {
    throw new ExecutionCliError(
      `No Approved package older than ${runOf(packages[servingIndex] as ModelPackage)}: there is nothing to roll back to.`,
    );
  }
  await deployPackage(
    client,
    target,
    previous,
    `deployed again by a rollback from ${runOf(packages[servingIndex] as ModelPackage)}: ${reason}`,
    io,
  );
}
