// Runs a Pulumi program under `pulumi.runtime.setMocks` and records every resource it registers,
// so that the policies can check what `pulumi up -s <stack>` would create, with no CLI and no cloud.
import { join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
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

const MOCK_ACCOUNT = "111111111111";

/**
 * Outputs of a mocked resource: every input, plus the physical name, `id` and `arn` that real
 * resources have. Buckets get `bucket` (v7: id = bucket name) so that the resources configuring a
 * bucket refer to it by the same value.
 */
export function mockOutputs(type: string, name: string, inputs: Record<string, unknown>, region: string) {
  const physical =
    typeof inputs["name"] === "string"
      ? inputs["name"]
      : typeof inputs["bucket"] === "string"
        ? inputs["bucket"]
        : name;
  const [, module = "mock", kind = "resource"] = /^aws:([^/]+)\/([^:]+):/.exec(type) ?? [];
  const isBucket = type === "aws:s3/bucket:Bucket" || type === "aws:s3/bucketV2:BucketV2";
  const arn = isBucket
    ? `arn:aws:s3:::${physical}`
    : `arn:aws:${module}:${region}:${MOCK_ACCOUNT}:${kind.toLowerCase()}/${physical}`;
  return {
    id: isBucket ? physical : `${physical}-id`,
    state: { ...inputs, name: physical, arn, ...(isBucket ? { bucket: physical } : {}) },
  };
}

/** Results of the provider functions the program may call; anything else returns its inputs. */
function mockCall(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> {
  switch (token) {
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        accountId: MOCK_ACCOUNT,
        arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`,
        userId: "mock",
        id: MOCK_ACCOUNT,
      };
    case "aws:index/getRegion:getRegion":
      return { name: region, region, id: region };
    case "aws:index/getPartition:getPartition":
      return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
    default:
      return inputs;
  }
}

export interface ProgramRun {
  project: string;
  stack: string;
  resources: CheckedResource[];
}

/**
 * Waits until registrations stop (resources registered inside `apply` callbacks come later than the
 * module's top level): the count must stay the same for several timer turns; then drains the RPCs.
 */
async function settle(count: () => number): Promise<void> {
  let previous = -1;
  let stableTurns = 0;
  while (stableTurns < 5) {
    await new Promise((resolveTurn) => setTimeout(resolveTurn, 20));
    stableTurns = count() === previous ? stableTurns + 1 : 0;
    previous = count();
  }
  await pulumi.runtime.disconnect();
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
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const inputs = plain(args.inputs) as Record<string, unknown>;
        const outputs = mockOutputs(args.type, args.name, inputs, region);
        if (args.custom !== false) {
          const base = syntheticUrn(stack, project, args.type, args.name);
          const count = (seen.get(base) ?? 0) + 1;
          seen.set(base, count);
          resources.push({
            type: args.type,
            name: args.name,
            urn: count === 1 ? base : `${base}#${count}`,
            inputs,
            outputs: { ...outputs.state, id: outputs.id },
            dependencies: [],
            propertyDependencies: {},
          });
        }
        return outputs;
      },
      call: (args) => mockCall(args.token, plain(args.inputs) as Record<string, unknown>, region),
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
    await settle(() => resources.length);
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  if (failures.length > 0) {
    const reasons = failures.map((failure) => (failure instanceof Error ? failure.message : String(failure)));
    throw new Error(`the program failed under mocks for stack ${stack}: ${reasons.join("; ")}`);
  }
  return { project, stack, resources };
}
