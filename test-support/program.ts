// Runs the Pulumi program (index.ts) under mocks with a stack's real configuration file and returns
// its resolved exports and every resource it registered. One stack per process: Pulumi's runtime state
// is global, so each test file runs one stack.
import { createRequire } from "node:module";
import * as pulumi from "@pulumi/pulumi";
import { pulumiConfigMap } from "../components/stack-config-file";
import { RecordingMocks } from "../policies/check/aws-mocks";

export interface ProgramRun {
  mocks: RecordingMocks;
  /** The program's exports, resolved. */
  outputs: Record<string, unknown>;
}

export function resolveOutput<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((value) => resolve(value)));
}

/**
 * Sets the mocks and the stack's configuration (optionally changed), imports index.ts, resolves its
 * exports and waits until every resource is registered.
 */
export async function runProgram(
  stack: string,
  change: (config: Record<string, string>) => Record<string, string> = (config) => config,
): Promise<ProgramRun> {
  const config = change(pulumiConfigMap(stack));
  const mocks = new RecordingMocks(config["aws:region"] ?? "eu-west-1");
  await pulumi.runtime.setMocks(mocks, "visit-time-pipeline", stack, false);
  pulumi.runtime.setAllConfig(config);
  // Imported only now: the program reads its configuration when it loads.
  const program = createRequire(__filename)("../index") as Record<string, unknown>;
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    outputs[key] = pulumi.Output.isInstance(value) ? await resolveOutput(value) : value;
  }
  await pulumi.runtime.disconnect();
  return { mocks, outputs };
}
