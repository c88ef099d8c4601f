// Runs a Pulumi program under `pulumi.runtime.setMocks` and records every resource it registers,
// so that the policies can check what `pulumi up -s <stack>` would create, with no CLI and no cloud.
// The mock is the project's AWS mock (policies/check/aws-mocks.ts), also used by the program's own
// tests: every input is returned as an output, plus the id, arn, name and the few computed outputs
// (bucket names, image URIs, KMS alias targets...) that the program reads.
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { RecordingMocks } from "./aws-mocks";
import { isRecord } from "../lib/json";
import type { CheckedResource } from "./evaluate";
import { syntheticUrn } from "./resources-file";
import { readStackConfig } from "./stack-config";

/** Pulumi's marker of a secret value in serialized properties. */
const SECRET_SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

/** Inputs as the policy server shows them: secrets unwrapped to their plain values. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!isRecord(value)) return value;
  if (value[SECRET_SIG_KEY] === SECRET_SIG) return plain(value["value"]);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item)]));
}

export interface ProgramRun {
  project: string;
  stack: string;
  resources: CheckedResource[];
}

/** How long the program may take to register its resources and drain its RPCs. */
const PROGRAM_TIMEOUT_MS = 60_000;

/**
 * Waits until registrations stop (resources registered inside `apply` callbacks come later than the
 * module's top level): the count must stay the same for several timer turns; then drains the RPCs.
 * A program that never finishes (an output that never resolves under the mocks) is an error, not
 * a silent exit of a process whose event loop ran dry.
 */
async function settle(count: () => number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `it was still registering resources after ${PROGRAM_TIMEOUT_MS / 1000} s (${count()} so far)`,
          ),
        ),
      PROGRAM_TIMEOUT_MS,
    );
  });
  const drain = async () => {
    let previous = -1;
    let stableTurns = 0;
    while (stableTurns < 5) {
      await new Promise((resolveTurn) => setTimeout(resolveTurn, 20));
      stableTurns = count() === previous ? stableTurns + 1 : 0;
      previous = count();
    }
    await pulumi.runtime.disconnect();
  };
  try {
    await Promise.race([drain(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function runProgram(programDir: string, stack: string): Promise<ProgramRun> {
  const directory = resolve(programDir);
  const { project, config, secretKeys } = readStackConfig(directory, stack);
  const region = config["aws:region"] ?? "us-east-1";
  const resources: CheckedResource[] = [];
  const seen = new Map<string, number>();
  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);

  pulumi.runtime.setAllConfig(config, secretKeys);
  const aws = new RecordingMocks(region);
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const result = aws.newResource(args);
        if (args.custom !== false) {
          const base = syntheticUrn(stack, project, args.type, args.name);
          const count = (seen.get(base) ?? 0) + 1;
          seen.set(base, count);
          resources.push({
            type: args.type,
            name: args.name,
            urn: count === 1 ? base : `${base}#${count}`,
            inputs: plain(args.inputs) as Record<string, unknown>,
            outputs: { ...(plain(result.state) as Record<string, unknown>), id: result.id },
            dependencies: [],
            propertyDependencies: {},
          });
        }
        return result;
      },
      call: (args) => aws.call(args),
    },
    project,
    stack,
    false,
  );

  try {
    const entry = join(directory, "index.ts");
    const loaded: unknown = await import(entry);
    const main = isRecord(loaded) && typeof loaded["default"] === "function" ? loaded["default"] : undefined;
    if (typeof main === "function") await (main as () => unknown)();
    await settle(() => resources.length).catch((error: unknown) => {
      throw new Error(
        `the program for stack ${stack} did not finish under mocks: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    });
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  if (failures.length > 0) {
    const reasons = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
    throw new Error(`the program failed under mocks for stack ${stack}: ${reasons.join("; ")}`);
  }
  return { project, stack, resources };
}
