// `npm run serve`: the model the endpoint currently serves, behind the training container's inference
// server, as the SageMaker endpoint would run it: model.tar.gz extracted into a model directory
// (`<workdir>/serving/<model-name>/`, extracted once and then reused), GET /ping and POST /invocations.
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { extract } from "tar";
import { localPathForS3Uri } from "../handlers/s3-uri";
import { LocalEndpointRegistry } from "./endpoint-registry";
import { UsageError } from "./errors";
import { isErrno } from "./json-files";
import { workdirLayout } from "./runner";

export interface ServeOptions {
  workdir: string;
  endpointName: string;
  /** 0 picks a free port. */
  port: number;
  /** @default "127.0.0.1" */
  host?: string;
}

export interface ServingEndpoint {
  endpointName: string;
  modelName: string;
  /** The model.tar.gz the served model was extracted from (its identity: the training job that made it). */
  modelDataUrl: string;
  /** Where it was extracted and loaded from. */
  modelDir: string;
  version: number;
  port: number;
  close(): Promise<void>;
}

/** Extracts model.tar.gz into `<servingRoot>/<modelName>/` unless an earlier serve already did. */
export async function modelDirectory(
  servingRoot: string,
  modelName: string,
  tarball: string,
): Promise<string> {
  const target = join(servingRoot, modelName);
  await mkdir(servingRoot, { recursive: true });
  const scratch = await mkdtemp(join(servingRoot, `.${modelName}-`));
  try {
    await extract({ file: tarball, cwd: scratch });
    await rename(scratch, target);
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    if (!isErrno(error, "EEXIST") && !isErrno(error, "ENOTEMPTY")) throw error;
  }
  return target;
}

export async function serveEndpoint(options: ServeOptions): Promise<ServingEndpoint> {
  const layout = workdirLayout(options.workdir);
  const registry = new LocalEndpointRegistry(layout.registry);
  const deployment = await registry.currentDeployment(options.endpointName);
  if (!deployment) {
    throw new UsageError(
      `No endpoint named "${options.endpointName}" in ${layout.registry}: run \`npm start\` (with this ` +
        "--workdir) until a model is deployed, or pass the right --workdir / --endpoint-name.",
    );
  }
  if (!deployment.modelDataUrl) {
    throw new UsageError(`Model "${deployment.modelName}" has no ModelDataUrl: it cannot be served.`);
  }
  const tarball = localPathForS3Uri(layout.s3, deployment.modelDataUrl);
  const modelDir = await modelDirectory(join(layout.root, "serving"), deployment.modelName, tarball);
  const { startServer } = await import("../training/serve/server.js");
  const server = await startServer({ modelDir, port: options.port, host: options.host ?? "127.0.0.1" });
  return {
    endpointName: options.endpointName,
    modelName: deployment.modelName,
    modelDataUrl: deployment.modelDataUrl,
    modelDir,
    version: deployment.version,
    port: server.port,
    close: () => server.close(),
  };
}
