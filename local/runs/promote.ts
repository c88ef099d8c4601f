// promote: deploy a registered model by hand, with a reason, without retraining; rollback: return the
// endpoint to the model it served before the current one. Both go through the pipeline's deployment
// states (deploy.ts) and record the decision in the model package's approvals.
import { access } from "node:fs/promises";
import { ENDPOINT_STATES } from "../../components/model-endpoint/definition";
import { readableCause } from "../../execution/format";
import { localPathForS3Uri } from "../../handlers/s3-uri";
import { orNullIfMissing } from "../endpoint-registry";
import { UsageError } from "../errors";
import type { ModelPackage } from "../model-registry";
import { type Catalog, findRun } from "./catalog";
import { deploy, type DeployStart } from "./deploy";

export const PROMOTED_BY = "npm run runs -- promote";
export const ROLLED_BACK_BY = "npm run runs -- rollback";

export interface ActionResult {
  /** What was done, for the terminal. */
  lines: string[];
  /** false when the deployment failed (the endpoint keeps its model). */
  ok: boolean;
}

/** Where the deployment states must start for this model: what already exists is not created again. */
async function startFor(
  catalog: Catalog,
  pkg: Pick<ModelPackage, "modelName" | "endpointConfigName">,
): Promise<DeployStart> {
  const model = await orNullIfMissing(catalog.endpoints.describeModel(pkg.modelName));
  const config = await orNullIfMissing(catalog.endpoints.describeEndpointConfig(pkg.endpointConfigName));
  if (!model) {
    if (config) {
      throw new UsageError(
        `Endpoint configuration ${pkg.endpointConfigName} exists without its model ${pkg.modelName}: ` +
          "it cannot be deployed by promote.",
      );
    }
    return ENDPOINT_STATES.createModel;
  }
  return config ? ENDPOINT_STATES.check : ENDPOINT_STATES.createConfig;
}

async function deployPackage(
  catalog: Catalog,
  pkg: ModelPackage,
  endpointConfigName: string,
  action: { kind: "promote" | "rollback"; reason: string },
  waitMs?: number,
): Promise<ActionResult> {
  const modelDataUrl = pkg.InferenceSpecification.Containers[0]?.ModelDataUrl ?? "";
  try {
    await access(localPathForS3Uri(catalog.layout.s3, modelDataUrl));
  } catch {
    throw new UsageError(
      `The model of ${pkg.executionName} (${modelDataUrl}) is gone from ${catalog.layout.s3}: it cannot be deployed.`,
    );
  }
  const start = await startFor(catalog, { modelName: pkg.modelName, endpointConfigName });
  const result = await deploy({
    layout: catalog.layout,
    registry: catalog.endpoints,
    endpointName: catalog.endpointName,
    start,
    deployment: {
      executionName: pkg.executionName,
      modelName: pkg.modelName,
      endpointConfigName,
      modelDataUrl,
      evaluationUri: pkg.ModelMetrics.ModelQuality.Statistics.S3Uri,
    },
    action,
    waitMs,
  });
  const path = result.states.map((state) => state.name).filter((name, i, all) => all.indexOf(name) === i);
  if (result.outcome.status !== "SUCCEEDED") {
    return {
      ok: false,
      lines: [
        `The deployment of ${pkg.modelName} failed (${result.outcome.error}): ${readableCause(result.outcome.cause ?? "")}`,
        `The endpoint ${catalog.endpointName} keeps its model. Record: ${result.recordPath}`,
      ],
    };
  }
  const deployment = await catalog.endpoints.currentDeployment(catalog.endpointName);
  return {
    ok: true,
    lines: [
      `Endpoint ${catalog.endpointName} serves ${deployment?.modelName} (endpoint version ${deployment?.version}), ` +
        `the model of run ${pkg.executionName}.`,
      `  through ${path.join(" → ")}`,
      `  record ${result.recordPath}`,
    ],
  };
}

export async function promote(
  catalog: Catalog,
  runName: string,
  reason: string,
  waitMs?: number,
): Promise<ActionResult> {
  const run = findRun(catalog, runName);
  const pkg = run.modelPackage;
  if (!pkg) {
    throw new UsageError(
      `Run ${runName} has no registered model (it ${run.summary ? `ended in ${run.summary.finalState ?? "an error"}` : "is in progress"} before Evaluate): there is nothing to promote.`,
    );
  }
  if (run.serving) {
    return {
      ok: true,
      lines: [
        `Endpoint ${catalog.endpointName} already serves ${pkg.modelName} (run ${runName}): nothing to do.`,
      ],
    };
  }
  const result = await deployPackage(
    catalog,
    pkg,
    pkg.endpointConfigName,
    { kind: "promote", reason },
    waitMs,
  );
  if (result.ok) {
    const updated = await catalog.packages.updateApprovalStatus(
      pkg.ModelPackageGroupName,
      pkg.ModelPackageVersion,
      {
        status: "Approved",
        by: PROMOTED_BY,
        description: `promoted by hand: ${reason}`,
      },
    );
    result.lines.push(
      `  model package v${updated.ModelPackageVersion}: ${updated.ModelApprovalStatus} (${updated.ApprovalDescription})`,
    );
  }
  return result;
}

/**
 * The endpoint's previous model: the last one before the current configuration's entry in the endpoint's
 * history that was InService and is not the current model. Two rollbacks in a row return to where they
 * started (like `cd -`); to go further back, promote the run you want.
 */
export function previousDeployment(catalog: Catalog): {
  modelName: string;
  endpointConfigName: string;
  version: number;
} {
  const deployment = catalog.deployment;
  if (!deployment)
    throw new UsageError(`Endpoint ${catalog.endpointName} does not exist: there is nothing to roll back.`);
  const current = deployment.history.findLastIndex(
    (entry) => entry.endpointConfigName === deployment.endpointConfigName && entry.inServiceAt !== null,
  );
  const previous = deployment.history
    .slice(0, Math.max(0, current))
    .reverse()
    .find((entry) => entry.inServiceAt !== null && entry.modelName !== deployment.modelName);
  if (!previous) {
    throw new UsageError(
      `Endpoint ${catalog.endpointName} has served only ${deployment.modelName}: there is no previous model to roll back to.`,
    );
  }
  return previous;
}

export async function rollback(catalog: Catalog, reason: string, waitMs?: number): Promise<ActionResult> {
  const previous = previousDeployment(catalog);
  const run = catalog.runs.find((entry) => entry.modelPackage?.modelName === previous.modelName);
  if (!run?.modelPackage) {
    throw new UsageError(
      `The previous model ${previous.modelName} (endpoint version ${previous.version}) belongs to no registered run in ${catalog.layout.runs}.`,
    );
  }
  const from = catalog.deployment?.modelName;
  const result = await deployPackage(
    catalog,
    run.modelPackage,
    previous.endpointConfigName,
    { kind: "rollback", reason },
    waitMs,
  );
  if (result.ok) {
    const pkg = run.modelPackage;
    await catalog.packages.updateApprovalStatus(pkg.ModelPackageGroupName, pkg.ModelPackageVersion, {
      status: "Approved",
      by: ROLLED_BACK_BY,
      description: `deployed again by a rollback from ${from}: ${reason}`,
    });
  }
  return result;
}
