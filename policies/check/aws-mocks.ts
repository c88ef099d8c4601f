// The offline checker's AWS under Pulumi mocks: every resource gets its inputs back as outputs plus the
// outputs the program reads (ARNs, names, URLs) in the shapes AWS gives them, and every resource is
// recorded. `program.ts` runs the program on it; the program's own tests (test-support/) reuse it.
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT = "123456789012";

export interface RecordedResource {
  type: string;
  name: string;
  /** Inputs as the program passed them (assets keep their paths). */
  inputs: Record<string, unknown>;
  /** Outputs the mock returned. */
  outputs: Record<string, unknown>;
  custom: boolean;
}

export interface RecordedCall {
  token: string;
  inputs: Record<string, unknown>;
}

function hex(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/** A stable key id shaped like a KMS key id (a UUID). */
function keyId(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function str(value: unknown, fallback: string): string {
  return typeof value === "string" && value.length > 0 ? value : fallback;
}

export class RecordingMocks implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  readonly calls: RecordedCall[] = [];

  constructor(
    readonly region = "eu-west-1",
    readonly account = MOCK_ACCOUNT,
  ) {}

  private arn(service: string, resource: string, options: { global?: boolean } = {}): string {
    return `arn:aws:${service}:${options.global ? "" : this.region}:${this.account}:${resource}`;
  }

  /** Outputs AWS would compute for the resource types the components read. */
  outputsFor(type: string, name: string, inputs: Record<string, unknown>): Record<string, unknown> {
    const named = str(inputs.name, name);
    switch (type) {
      case "aws:s3/bucket:Bucket": {
        const bucket = str(inputs.bucket, name);
        return { bucket, arn: `arn:aws:s3:::${bucket}`, id: bucket };
      }
      case "aws:iam/role:Role":
        return { name: named, arn: this.arn("iam", `role/${named}`, { global: true }) };
      case "aws:lambda/function:Function":
        return { name: named, arn: this.arn("lambda", `function:${named}`) };
      case "aws:cloudwatch/logGroup:LogGroup":
        return { name: named, arn: this.arn("logs", `log-group:${named}`) };
      case "aws:athena/workgroup:Workgroup":
        return { name: named, arn: this.arn("athena", `workgroup/${named}`) };
      case "aws:glue/catalogDatabase:CatalogDatabase":
        return { name: named, arn: this.arn("glue", `database/${named}`) };
      case "aws:glue/catalogTable:CatalogTable":
        return { name: named, arn: this.arn("glue", `table/${str(inputs.databaseName, "db")}/${named}`) };
      case "aws:ecr/repository:Repository":
        return {
          name: named,
          arn: this.arn("ecr", `repository/${named}`),
          registryId: this.account,
          repositoryUrl: `${this.account}.dkr.ecr.${this.region}.amazonaws.com/${named}`,
        };
      case "awsx:ecr:Image":
        return { imageUri: `${str(inputs.repositoryUrl, name)}@sha256:${hex(name, 64)}` };
      case "aws:sfn/stateMachine:StateMachine":
        return { name: named, arn: this.arn("states", `stateMachine:${named}`) };
      case "aws:sns/topic:Topic":
        return { name: named, arn: this.arn("sns", named) };
      case "aws:kms/key:Key": {
        const id = keyId(name);
        return { keyId: id, arn: this.arn("kms", `key/${id}`) };
      }
      case "aws:cloudwatch/eventRule:EventRule":
        return { name: named, arn: this.arn("events", `rule/${named}`) };
      case "aws:cloudwatch/metricAlarm:MetricAlarm":
        return { name: named, arn: this.arn("cloudwatch", `alarm:${named}`) };
      case "aws:scheduler/schedule:Schedule":
        return { name: named, arn: this.arn("scheduler", `schedule/default/${named}`) };
      default:
        return { name: named, arn: this.arn(type.split(":")[1]?.split("/")[0] ?? "unknown", named) };
    }
  }

  newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    const custom = args.custom ?? true;
    const computed =
      custom || args.type.startsWith("awsx:") ? this.outputsFor(args.type, args.name, inputs) : {};
    const outputs = { ...inputs, ...computed };
    this.resources.push({ type: args.type, name: args.name, inputs, outputs, custom });
    const id = typeof computed.id === "string" ? computed.id : `${args.name}-id`;
    return { id: custom ? id : undefined, state: outputs };
  }

  call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
    const inputs = (args.inputs ?? {}) as Record<string, unknown>;
    this.calls.push({ token: args.token, inputs });
    switch (args.token) {
      case "aws:index/getCallerIdentity:getCallerIdentity":
        return {
          id: this.account,
          accountId: this.account,
          arn: `arn:aws:iam::${this.account}:user/mock`,
          userId: "MOCK",
        };
      case "aws:index/getRegion:getRegion":
        return { id: this.region, name: this.region, region: this.region, endpoint: "", description: "" };
      case "aws:index/getPartition:getPartition":
        return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
      case "aws:kms/getAlias:getAlias": {
        const id = keyId(str(inputs.name, "alias"));
        return {
          id: str(inputs.name, "alias"),
          name: str(inputs.name, "alias"),
          arn: this.arn("kms", str(inputs.name, "alias")),
          targetKeyId: id,
          targetKeyArn: this.arn("kms", `key/${id}`),
        };
      }
      case "aws:glue/getCatalogTable:getCatalogTable": {
        const database = str(inputs.databaseName, "db").replace(/_/g, "-");
        return {
          ...inputs,
          storageDescriptors: [{ location: `s3://mock-${database}-source/${str(inputs.name, "table")}/` }],
        };
      }
      default:
        return inputs;
    }
  }

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((resource) => resource.type === type);
  }
}
