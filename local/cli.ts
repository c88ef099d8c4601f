// `npm start` (`tsx local/cli.ts run`) runs the whole pipeline locally; `npm run serve` serves the
// endpoint's current model. See local/README.md.
import { lostRunsLines, recoverLostRuns } from "./lost-runs";
import { randomBytes } from "node:crypto";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { resolve } from "node:path";
import type { JsonValue } from "../components/asl/types";
import {
  DEFAULT_HYPERPARAMETERS,
  HYPERPARAMETER_DOCS,
  parseHyperparameters,
} from "../contracts/hyperparameters";
import { exitCodeOf, runAsMain, UsageError } from "./errors";
import { parseFaultSpec } from "./faults";
import { abortRunOnEnding, RunInterrupted } from "./run-interruption";
import { SAMPLE_DATA } from "./sample-data";
import { runPipeline, validateExecutionInput, validateExecutionName, type RunInput } from "./runner";
import { serveEndpoint } from "./serve";
import { DEFAULT_ENDPOINT_NAME, defaultDataQuality, defaultGate, LOCAL_STACK } from "./settings";
import { renderSummary } from "./summary";

export const DEFAULT_WORKDIR = ".pipeline";
export const DEFAULT_PORT = 8080;

const gate = defaultGate();
const dataQuality = defaultDataQuality();

const RUN_HELP = `Usage: npm start -- [options]     (tsx local/cli.ts run [options])

Runs the whole training pipeline on this machine: the same state machine definition that the Pulumi
program deploys, on aws-local-stepfunctions, with DuckDB as Athena, <workdir>/s3 as S3, child processes
as SageMaker jobs and a local endpoint registry. Without --input, sample data is generated first.

Options:
  --input <csv|parquet|glob>   raw hits (user_id, event_time, page_type, time_spent_sec, platform);
                               repeatable. Default: generated sample data (${SAMPLE_DATA.users} users × ${SAMPLE_DATA.days} days)
  --sample-users <n>           size of the generated sample data (default ${SAMPLE_DATA.users})
  --sample-days <n>            days of generated sample data (default ${SAMPLE_DATA.days})
  --workdir <dir>              where everything is kept (default ${DEFAULT_WORKDIR}/)
  --execution-name <name>      unique per run, 1-52 letters, digits or hyphens (default run-<timestamp>-<random>)
  --endpoint-name <name>       endpoint to create or update (default ${DEFAULT_ENDPOINT_NAME})
  --hp <name=value>            hyperparameter, repeatable (e.g. --hp epochs=5); see below
  --max-mae <hours>            quality gate: largest test MAE a model may have (default ${gate.maxMae})
  --min-improvement <share>    quality gate: how much lower than the best baseline's the MAE must be
                               (default ${gate.minImprovementOverBaseline})
  --max-regression <hours>     quality gate: how much worse than the champion (the endpoint's model,
                               scored on the same test split) it may be (default ${gate.maxRegressionHours})
  --max-invalid-share <share>  data quality: the largest share of distinct raw hits that may break the
                               data contract before the run fails in DataQualityFailed, untrained
                               (default ${dataQuality.maxInvalidHitShare})
  --force-deploy               deploy even if the quality gate rejects the model (ForceDeploy)
  --execution-input <json>     more execution input keys, e.g. '{"ModelName":"m-1"}'
  --fail-state <STATE:ERROR[:N]>
                               fault injection, repeatable: the Task state STATE throws ERROR for its
                               first N attempts (default 1), e.g. StartQuery:Lambda.TooManyRequestsException:2
  --wait-ms <ms>               pause of every Wait state and retry (default 100; the loops still run)
  --help                       this text

Hyperparameters (SageMaker strings):
${HYPERPARAMETER_DOCS.map((hp) => `  ${hp.name.padEnd(20)} ${hp.description} (default ${hp.default})`).join("\n")}

The settings the flags leave alone (polling, data quality, jobs, gate, endpoint, timeout) are the ${LOCAL_STACK} stack's,
from Pulumi.${LOCAL_STACK}.yaml.

Writes <workdir>/runs/<execution-name>/summary.json and history.json for every run, also one ended by
SIGINT, SIGTERM, SIGHUP (status ABORTED, exit code 128+signal) or an uncaught error (FAILED); exits
non-zero when the run fails.`;

const SERVE_HELP = `Usage: npm run serve -- [--workdir <dir>] [--port <n>] [--endpoint-name <name>]

Serves the model that the endpoint currently serves (its latest InService configuration), with the
training container's inference server: GET /ping, POST /invocations. Defaults: --workdir ${DEFAULT_WORKDIR},
--port ${DEFAULT_PORT} (SageMaker's), --endpoint-name ${DEFAULT_ENDPOINT_NAME}.`;

type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

type StrictFlags<O extends FlagOptions> = {
  args: string[];
  options: O;
  strict: true;
  allowPositionals: false;
};
type FlagValues<O extends FlagOptions> = ReturnType<typeof parseArgs<StrictFlags<O>>>["values"];

/**
 * Parses the flags strictly; an unknown flag or a missing value becomes a usage error that names it and
 * shows the help. Returns null when --help was asked for (and printed).
 */
function parseFlags<const O extends FlagOptions>(
  argv: string[],
  options: O,
  help: string,
  out: (line: string) => void,
): FlagValues<O> | null {
  let values: FlagValues<O>;
  try {
    values = parseArgs<StrictFlags<O>>({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message}\n\n${help}`);
  }
  if ("help" in values && values.help === true) {
    out(help);
    return null;
  }
  return values;
}

export function numberFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === "" || !Number.isFinite(number))
    throw new UsageError(`--${name} must be a number, got "${value}".`);
  return number;
}

/** `--hp a=1 --hp b=2` over the defaults; names and values checked by the container's own parser. */
export function hyperparametersFrom(flags: readonly string[]): Record<string, string> {
  const given: Record<string, string> = {};
  for (const flag of flags) {
    const match = /^([^=]+)=(.*)$/.exec(flag);
    if (!match?.[1]) throw new UsageError(`--hp "${flag}" is not name=value, e.g. --hp epochs=5.`);
    given[match[1].trim()] = match[2] ?? "";
  }
  const merged = { ...DEFAULT_HYPERPARAMETERS, ...given };
  try {
    parseHyperparameters(merged);
  } catch (error) {
    throw new UsageError(`--hp: ${error instanceof Error ? error.message : String(error)}.`);
  }
  return merged;
}

function executionInputFrom(json: string | undefined): Record<string, JsonValue> {
  if (json === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new UsageError(
      `--execution-input is not JSON: ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new UsageError("--execution-input must be a JSON object of execution input keys.");
  }
  return parsed as Record<string, JsonValue>;
}

/**
 * `run-<UTC timestamp>-<4 random hex digits>`: the suffix keeps two runs started in the same second (two
 * terminals, a script) from claiming the same name.
 */
export function defaultExecutionName(now = new Date(), suffix = randomBytes(2).toString("hex")): string {
  return `run-${now.toISOString().replace(/\D/g, "").slice(0, 14)}-${suffix}`;
}

async function runCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const values = parseFlags(
    argv,
    {
      input: { type: "string", multiple: true },
      workdir: { type: "string" },
      "execution-name": { type: "string" },
      "endpoint-name": { type: "string" },
      hp: { type: "string", multiple: true },
      "max-mae": { type: "string" },
      "min-improvement": { type: "string" },
      "max-regression": { type: "string" },
      "max-invalid-share": { type: "string" },
      "force-deploy": { type: "boolean" },
      "execution-input": { type: "string" },
      "fail-state": { type: "string", multiple: true },
      "wait-ms": { type: "string" },
      "sample-users": { type: "string" },
      "sample-days": { type: "string" },
      help: { type: "boolean" },
    },
    RUN_HELP,
    out,
  );
  if (values === null) return 0;
  const workdir = values.workdir ?? DEFAULT_WORKDIR;
  const executionName = validateExecutionName(values["execution-name"] ?? defaultExecutionName());
  const executionInput = executionInputFrom(values["execution-input"]);
  if (values["force-deploy"]) executionInput["ForceDeploy"] = true;
  validateExecutionInput(executionInput);
  const hyperparameters = hyperparametersFrom(values.hp ?? []);
  const faults = (values["fail-state"] ?? []).map(parseFaultSpec);
  const waitMs = numberFlag("wait-ms", values["wait-ms"]);

  const files = (values.input ?? []).map((path) => resolve(path));
  const input: RunInput =
    files.length > 0
      ? files
      : {
          sample: {
            users: numberFlag("sample-users", values["sample-users"]) ?? SAMPLE_DATA.users,
            days: numberFlag("sample-days", values["sample-days"]) ?? SAMPLE_DATA.days,
          },
        };

  lostRunsLines(await recoverLostRuns(workdir, "npm start")).forEach((line) => out(line));
  const controller = new AbortController();
  const removeHandlers = abortRunOnEnding(controller, out);
  try {
    const result = await runPipeline({
      workdir,
      executionName,
      input,
      executionInput,
      // The endpoint is a setting, as in a stack: the definition refuses any other in the input.
      endpointName: values["endpoint-name"] ?? DEFAULT_ENDPOINT_NAME,
      hyperparameters,
      maxMae: numberFlag("max-mae", values["max-mae"]),
      minImprovementOverBaseline: numberFlag("min-improvement", values["min-improvement"]),
      maxRegressionHours: numberFlag("max-regression", values["max-regression"]),
      maxInvalidHitShare: numberFlag("max-invalid-share", values["max-invalid-share"]),
      faults,
      waitMs,
      retryMs: waitMs,
      write: out,
      signal: controller.signal,
    });
    out(
      renderSummary(result.summary, {
        workdir,
        summaryPath: result.summaryPath,
        historyPath: result.historyPath,
        sampleRequestPath: result.sampleRequestPath,
        reportPath: result.reportPath,
        localPaths: result.localPaths,
      }),
    );
    if (result.summary.status === "SUCCEEDED") return 0;
    const reason: unknown = controller.signal.reason;
    return reason instanceof RunInterrupted ? reason.exitCode : 1;
  } finally {
    removeHandlers();
  }
}

async function serveCommand(argv: string[], out: (line: string) => void): Promise<number> {
  const values = parseFlags(
    argv,
    {
      workdir: { type: "string" },
      port: { type: "string" },
      "endpoint-name": { type: "string" },
      help: { type: "boolean" },
    },
    SERVE_HELP,
    out,
  );
  if (values === null) return 0;
  const port = numberFlag("port", values.port) ?? DEFAULT_PORT;
  const workdir = values.workdir ?? DEFAULT_WORKDIR;
  lostRunsLines(await recoverLostRuns(workdir, "npm run serve")).forEach((line) => out(line));
  const server = await serveEndpoint({
    workdir,
    endpointName: values["endpoint-name"] ?? DEFAULT_ENDPOINT_NAME,
    port,
  });
  out(
    `Endpoint ${server.endpointName} serves ${server.modelName} (endpoint version ${server.version}, ` +
      `${server.modelDataUrl}) on ` +
      `http://127.0.0.1:${server.port} — GET /ping, POST /invocations. Ctrl-C stops it.`,
  );
  await new Promise<void>((done) => {
    const stop = () => {
      process.removeListener("SIGINT", stop);
      process.removeListener("SIGTERM", stop);
      void server.close().then(done);
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  return 0;
}

export async function main(
  argv: string[],
  out: (line: string) => void = (line) => console.log(line),
): Promise<number> {
  const [command, ...rest] = argv;
  return exitCodeOf(async () => {
    switch (command) {
      case "run":
        return await runCommand(rest, out);
      case "serve":
        return await serveCommand(rest, out);
      case undefined:
      case "--help":
        out(
          `Usage: tsx local/cli.ts <run|serve> [options]   (npm start, npm run serve)\n\n${RUN_HELP}\n\n${SERVE_HELP}`,
        );
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`Unknown command "${command}": use run (npm start) or serve (npm run serve).`);
    }
  });
}

if (require.main === module) runAsMain(main);
