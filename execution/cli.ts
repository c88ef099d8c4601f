// `npm run execution -- <start|watch|list|report>`: start, follow, list and report executions of the
// deployed pipeline, with the same progress view as `npm start`. See execution/README.md.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  DescribeExecutionCommand,
  DescribeStateMachineForExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from "@aws-sdk/client-sfn";
import type { JsonValue, StateMachineDefinition } from "../components/asl/types";
import {
  checkExecutionInput,
  checkExecutionName,
  InvalidExecutionInputError,
} from "../components/pipeline/execution-input";
import { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { describeAwsError, ExecutionCliError } from "./aws-errors";
import { awsReportClients, writeAwsReport } from "../report/aws-execution";
import { promote, rollback } from "./model-deploy";
import { formatDuration, readableCause } from "./format";
import { HistoryMapper } from "./history-events";
import { followHistory } from "./history-follower";
import { ProgressView } from "./progress-view";
import { ExecutionModel } from "./state-records";
import { executionArnOf, resolveTarget, STACK_OUTPUTS_DIR, type Target } from "./stack-target";

const TARGET_HELP = `Which pipeline (one of):
  --stack <dev|prod>           read stateMachineArn from ${STACK_OUTPUTS_DIR}/<stack>.json, written after
                               \`pulumi up\` by: pulumi stack output --json -s <stack> > ${STACK_OUTPUTS_DIR}/<stack>.json
  --state-machine-arn <arn>    the state machine itself
  --region <region>            default: the state machine ARN's region`;

export const HELP = `Usage: npm run execution -- <command> [options]

Commands:
  start [--name N] [--input JSON|@file] [--follow]
                               start an execution; the input is checked against the execution input
                               keys (README "Execution input") first; --follow watches it to its end
  watch <execution-arn|name>   follow an execution live: states entered, retried, caught, durations, the
                               failed state with its error, cause and CloudWatch logs; exits 0 if it
                               succeeded, 1 if not
  list [--max N]               recent executions with status and duration (default 10)
  report <execution-arn|name> [--out FILE]
                               write a self-contained report.html of the execution: the graph coloured by
                               outcome, learning curves, the model against the baselines, error by hour and
                               weekday, the gate's decision and the lineage (default FILE:
                               report-<execution-name>.html)
  promote <run|package-arn> --reason TEXT
                               deploy the model package a run registered to the stack's endpoint, without
                               retraining (CreateModel, CreateEndpointConfig copying the current variant,
                               UpdateEndpoint, wait until InService), then approve it with the reason
  rollback [--reason TEXT]     the endpoint back to the newest Approved package older than the one it serves

${TARGET_HELP}

Options:
  --poll-ms <ms>               first pause between history polls, doubled while nothing happens (max 30 s);
                               promote/rollback: pause between endpoint status checks (default 30000)
  --endpoint-name <name>       promote/rollback: the endpoint (default: the stack's endpointName output)
  --model-package-group <name> promote/rollback: the Model Package Group (default: the stack's
                               modelPackageGroupName output, else the endpoint's name)
  --help                       this text

AWS credentials come from the usual places (AWS_PROFILE, environment, SSO).`;

type Out = (line: string) => void;

interface Io {
  out: Out;
  err: Out;
  sleep?: (ms: number) => Promise<void>;
  /** "Now", for the default execution name and durations of running executions. */
  now?: () => Date;
}

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        stack: { type: "string" },
        "state-machine-arn": { type: "string" },
        region: { type: "string" },
        "outputs-dir": { type: "string" },
        name: { type: "string" },
        input: { type: "string" },
        follow: { type: "boolean" },
        max: { type: "string" },
        "poll-ms": { type: "string" },
        out: { type: "string" },
        reason: { type: "string" },
        "endpoint-name": { type: "string" },
        "model-package-group": { type: "string" },
        help: { type: "boolean" },
      },
    });
  } catch (error) {
    throw new ExecutionCliError(`${(error as Error).message}\n\n${HELP}`);
  }
}

type Values = ReturnType<typeof parse>["values"];

function positiveInteger(flag: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new ExecutionCliError(`--${flag} must be a positive whole number, got "${value}".`);
  }
  return number;
}

/** `--input '{"ForceDeploy":true}'` or `--input @input.json`, checked like the local runner's. */
export function executionInputOf(flag: string | undefined): Record<string, JsonValue> {
  if (flag === undefined) return {};
  const source = flag.startsWith("@") ? flag.slice(1) : undefined;
  let text = flag;
  if (source !== undefined) {
    try {
      text = readFileSync(source, "utf8");
    } catch (error) {
      throw new ExecutionCliError(`--input ${flag}: cannot read ${source}: ${(error as Error).message}.`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ExecutionCliError(
      `--input${source ? ` (${source})` : ""} is not JSON: ${(error as Error).message}.`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new ExecutionCliError(
      `--input${source ? ` (${source})` : ""} must be a JSON object of execution input keys.`,
    );
  }
  try {
    return checkExecutionInput(parsed as Record<string, JsonValue>);
  } catch (error) {
    if (error instanceof InvalidExecutionInputError) throw new ExecutionCliError(error.message);
    throw error;
  }
}

export function defaultExecutionName(now: Date): string {
  return `manual-${now.toISOString().replace(/\D/g, "").slice(0, 14)}`;
}

function consoleUrl(region: string, executionArn: string): string {
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

async function send<T>(subject: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw describeAwsError(error, subject);
  }
}

/** The definition the execution ran (for "retry n of N"); none if the caller may not read it. */
async function definitionOf(
  client: SFNClient,
  executionArn: string,
): Promise<StateMachineDefinition | undefined> {
  try {
    const described = await client.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
    return described?.definition ? (JSON.parse(described.definition) as StateMachineDefinition) : undefined;
  } catch {
    return undefined;
  }
}

async function watch(
  client: SFNClient,
  target: Target,
  execution: string,
  values: Values,
  io: Io,
): Promise<number> {
  const executionArn = executionArnOf(target.stateMachineArn, execution);
  const described: DescribeExecutionCommandOutput = await send(`execution ${executionArn}`, () =>
    client.send(new DescribeExecutionCommand({ executionArn })),
  );
  io.out(`Execution ${described.name ?? execution} (${described.status ?? "?"})`);
  io.out(`  console: ${consoleUrl(target.region, executionArn)}`);
  const mapper = new HistoryMapper({
    region: target.region,
    definition: await definitionOf(client, executionArn),
  });
  const model = new ExecutionModel();
  const view = new ProgressView(io.out);
  const ends: { status?: string; error?: string; cause?: string | null; at?: number; startedAt?: number } =
    {};
  await followHistory({
    client,
    executionArn,
    minDelayMs: positiveInteger("poll-ms", values["poll-ms"], 1000),
    ...(io.sleep ? { sleep: io.sleep } : {}),
    onEvents: (events) => {
      for (const event of events) {
        for (const progress of mapper.add(event)) {
          view.render(progress, model.add(progress));
          if (progress.type === "ExecutionStarted") ends.startedAt = progress.at;
          if (progress.type === "ExecutionFailed" || progress.type === "ExecutionTimedOut") {
            Object.assign(ends, { error: progress.error, cause: progress.cause });
          }
          if (progress.type.startsWith("Execution") && progress.type !== "ExecutionStarted") {
            ends.status = progress.type.replace("Execution", "").toUpperCase();
            ends.at = progress.at;
          }
        }
      }
    },
  });
  const duration =
    ends.at !== undefined && ends.startedAt !== undefined
      ? ` in ${formatDuration(ends.at - ends.startedAt)}`
      : "";
  io.out("");
  io.out(`Execution ${described.name ?? execution} ${ends.status ?? "ENDED"}${duration}`);
  if (ends.error) io.out(`  error: ${ends.error}`);
  if (ends.cause) io.out(`  cause: ${readableCause(ends.cause)}`);
  return ends.status === "SUCCEEDED" ? 0 : 1;
}

async function start(client: SFNClient, target: Target, values: Values, io: Io): Promise<number> {
  const input = executionInputOf(values.input);
  const name = values.name ?? defaultExecutionName(io.now?.() ?? new Date());
  try {
    checkExecutionName(name);
  } catch (error) {
    if (error instanceof InvalidExecutionInputError) throw new ExecutionCliError(`--name: ${error.message}`);
    throw error;
  }
  const started = await send(`state machine ${target.stateMachineArn}`, () =>
    client.send(
      new StartExecutionCommand({
        stateMachineArn: target.stateMachineArn,
        name,
        input: JSON.stringify(input),
      }),
    ),
  );
  const executionArn = started.executionArn ?? executionArnOf(target.stateMachineArn, name);
  io.out(`Started ${name}: ${executionArn}`);
  if (!values.follow) {
    io.out(`Follow it with: npm run execution -- watch ${name} ${targetFlags(values)}`.trimEnd());
    return 0;
  }
  return watch(client, target, executionArn, values, io);
}

function targetFlags(values: Values): string {
  if (values.stack) return `--stack ${values.stack}`;
  return `--state-machine-arn ${values["state-machine-arn"] ?? ""}`;
}

async function list(client: SFNClient, target: Target, values: Values, io: Io): Promise<number> {
  const max = positiveInteger("max", values.max, 10);
  const listed = await send(`state machine ${target.stateMachineArn}`, () =>
    client.send(new ListExecutionsCommand({ stateMachineArn: target.stateMachineArn, maxResults: max })),
  );
  const executions = listed.executions ?? [];
  if (executions.length === 0) {
    io.out(`No executions of ${target.stateMachineArn} yet.`);
    return 0;
  }
  const now = io.now?.() ?? new Date();
  const width = Math.max(4, ...executions.map((execution) => (execution.name ?? "").length));
  io.out(`${"name".padEnd(width)}  ${"status".padEnd(9)}  ${"started".padEnd(19)}  duration`);
  for (const execution of executions) {
    const startedAt = execution.startDate;
    const end = execution.stopDate ?? now;
    const duration = startedAt ? formatDuration(end.getTime() - startedAt.getTime()) : "?";
    io.out(
      `${(execution.name ?? "?").padEnd(width)}  ${(execution.status ?? "?").padEnd(9)}  ` +
        `${(startedAt?.toISOString().slice(0, 19).replace("T", " ") ?? "?").padEnd(19)}  ` +
        `${duration}${execution.stopDate ? "" : " (running)"}`,
    );
  }
  return 0;
}

async function deployCommand(
  command: "promote" | "rollback",
  rest: string[],
  target: Target,
  values: Values,
  io: Io,
): Promise<number> {
  const endpointName = values["endpoint-name"] ?? target.outputs["endpointName"];
  if (typeof endpointName !== "string" || endpointName === "") {
    throw new ExecutionCliError(
      `${command} needs the endpoint: --endpoint-name, or a stack whose outputs have endpointName.`,
    );
  }
  const group = values["model-package-group"] ?? target.outputs["modelPackageGroupName"];
  const deployTarget = {
    endpointName,
    groupName: typeof group === "string" && group !== "" ? group : endpointName,
  };
  const reason = values.reason?.trim();
  const deployIo = {
    out: io.out,
    sleep: io.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms))),
    now: io.now ?? (() => new Date()),
    pollMs: positiveInteger("poll-ms", values["poll-ms"], 30_000),
    maxPolls: 60,
  };
  const client = new SageMakerClient({ region: target.region });
  const subject = `endpoint ${endpointName} (model package group ${deployTarget.groupName})`;
  if (command === "rollback") {
    await send(subject, () => rollback(client, deployTarget, reason || "rollback", deployIo));
    return 0;
  }
  const reference = rest[0];
  if (!reference)
    throw new ExecutionCliError("promote needs a run (its execution name) or a model package ARN.");
  if (!reason)
    throw new ExecutionCliError("promote needs --reason <text>: say why this model is deployed by hand.");
  await send(subject, () => promote(client, deployTarget, reference, reason, deployIo));
  return 0;
}

export async function main(
  argv: string[],
  io: Io = { out: console.log, err: console.error },
): Promise<number> {
  try {
    const { values, positionals } = parse(argv);
    const [command, ...rest] = positionals;
    if (values.help || command === undefined) {
      io.out(HELP);
      return values.help ? 0 : 2;
    }
    const known = ["start", "watch", "list", "report", "promote", "rollback"];
    if (!known.includes(command)) {
      throw new ExecutionCliError(`Unknown command "${command}": use ${known.join(", ")}.\n\n${HELP}`);
    }
    const target = resolveTarget({
      ...(values.stack ? { stack: values.stack } : {}),
      ...(values["state-machine-arn"] ? { stateMachineArn: values["state-machine-arn"] } : {}),
      ...(values.region ? { region: values.region } : {}),
      ...(values["outputs-dir"] ? { outputsDir: values["outputs-dir"] } : {}),
    });
    if (command === "promote" || command === "rollback") {
      return await deployCommand(command, rest, target, values, io);
    }
    const client = new SFNClient({ region: target.region });
    switch (command) {
      case "start":
        return await start(client, target, values, io);
      case "watch": {
        const execution = rest[0];
        if (!execution) throw new ExecutionCliError("watch needs an execution: its ARN or its name.");
        return await watch(client, target, execution, values, io);
      }
      case "report": {
        const execution = rest[0];
        if (!execution) throw new ExecutionCliError("report needs an execution: its ARN or its name.");
        const executionArn = executionArnOf(target.stateMachineArn, execution);
        const path = await writeAwsReport({
          clients: awsReportClients(client, target.region),
          region: target.region,
          executionArn,
          consoleUrl: consoleUrl(target.region, executionArn),
          path: values.out ?? `report-${executionArn.split(":").at(-1) ?? "execution"}.html`,
        });
        io.out(`Report written: ${path}`);
        return 0;
      }
      default:
        return await list(client, target, values, io);
    }
  } catch (error) {
    if (error instanceof ExecutionCliError) {
      io.err(`Error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
