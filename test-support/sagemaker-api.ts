// The definition's SageMaker Task Parameters checked against the SageMaker API itself: the request
// shapes come from the operation schemas that @aws-sdk/client-sagemaker exports (`CreateTrainingJob$` …,
// generated from the service model, so they follow the API as the pinned SDK knows it), the allowed
// values from its exported enums. Checked: every required member is present, no member is unknown
// (a typo would be refused by SageMaker at run time, not by Step Functions at deploy time), every static
// value has the member's type and, where the API has an enum, one of its values; every KMS id is a key ARN.
// A JSONPath or intrinsic (`Member.$`) is a run-time value: its presence counts, its value is not checked.
import * as sageMaker from "@aws-sdk/client-sagemaker";
import type { StateMachineDefinition } from "../components/asl/types";

/** The SDK's schema encoding: [3, ns, name, traits, memberNames, memberSchemas, requiredCount?] for a
 * structure (required members first), [1, ns, name, traits, element] for a list, [9, ns, name, traits,
 * input, output] for an operation; 0 string, 1 number, 2 boolean, 64 list of strings, 128 map of strings. */
type Schema = number | (() => Schema) | readonly unknown[];

const STRING = 0;
const NUMBER = 1;
const BOOLEAN = 2;
const STRING_LIST = 64;
const STRING_MAP = 128;

/**
 * Step Functions' SageMaker integrations (`arn:aws:states:::sagemaker:<api>[.sync]`) and its AWS SDK
 * integration (`arn:aws:states:::aws-sdk:sagemaker:<api>`, same request shapes) → SDK operation.
 */
const OPERATIONS: Record<string, string> = {
  createProcessingJob: "CreateProcessingJob$",
  createTrainingJob: "CreateTrainingJob$",
  createTransformJob: "CreateTransformJob$",
  createModel: "CreateModel$",
  createEndpointConfig: "CreateEndpointConfig$",
  createEndpoint: "CreateEndpoint$",
  updateEndpoint: "UpdateEndpoint$",
  createModelPackage: "CreateModelPackage$",
};

/** Members whose values the API restricts to an enum, by `<structure>.<member>`. */
const ENUMS: Record<string, Record<string, string>> = {
  "AlgorithmSpecification.TrainingInputMode": sageMaker.TrainingInputMode,
  "Channel.InputMode": sageMaker.TrainingInputMode,
  "Channel.CompressionType": sageMaker.CompressionType,
  "S3DataSource.S3DataType": sageMaker.S3DataType,
  "S3DataSource.S3DataDistributionType": sageMaker.S3DataDistribution,
  "ProcessingS3Input.S3DataType": sageMaker.ProcessingS3DataType,
  "ProcessingS3Input.S3InputMode": sageMaker.ProcessingS3InputMode,
  "ProcessingS3Input.S3DataDistributionType": sageMaker.ProcessingS3DataDistributionType,
  "ProcessingS3Input.S3CompressionType": sageMaker.ProcessingS3CompressionType,
  "ProcessingS3Output.S3UploadMode": sageMaker.ProcessingS3UploadMode,
  "ProcessingClusterConfig.InstanceType": sageMaker.ProcessingInstanceType,
  "ResourceConfig.InstanceType": sageMaker.TrainingInstanceType,
  "ProductionVariant.InstanceType": sageMaker.ProductionVariantInstanceType,
  "CreateModelPackageInput.ModelApprovalStatus": sageMaker.ModelApprovalStatus,
};

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

function resolve(schema: Schema): number | readonly unknown[] {
  return typeof schema === "function" ? resolve(schema()) : schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The input schema of a Step Functions SageMaker resource, or undefined for an unknown API. */
export function requestSchemaOf(resource: string): readonly unknown[] | undefined {
  const api =
    /^arn:aws[a-z-]*:states:::(?:aws-sdk:)?sagemaker:([A-Za-z]+)(?:\.sync|\.waitForTaskToken)?$/.exec(
      resource,
    )?.[1];
  const operation = api === undefined ? undefined : OPERATIONS[api];
  if (operation === undefined) return undefined;
  const schema = (sageMaker as unknown as Record<string, Schema>)[operation];
  const resolved = schema === undefined ? undefined : resolve(schema);
  if (!Array.isArray(resolved) || resolved[0] !== 9) return undefined;
  const input = resolve(resolved[4] as Schema);
  return typeof input === "number" ? undefined : input;
}

function checkScalar(value: unknown, kind: number, path: string, problems: string[]): void {
  const ok =
    kind === STRING
      ? typeof value === "string"
      : kind === NUMBER
        ? typeof value === "number" && Number.isFinite(value)
        : kind === BOOLEAN
          ? typeof value === "boolean"
          : kind === STRING_LIST
            ? Array.isArray(value) && value.every((item) => typeof item === "string")
            : kind === STRING_MAP
              ? isObject(value) &&
                Object.entries(value).every(([key, item]) => key.endsWith(".$") || typeof item === "string")
              : true;
  if (!ok) {
    const expected = { [STRING]: "a string", [NUMBER]: "a number", [BOOLEAN]: "a boolean" }[kind];
    problems.push(
      `${path}: ${JSON.stringify(value)} is not ${expected ?? (kind === STRING_LIST ? "a list of strings" : "a map of strings")}`,
    );
  }
}

function checkValue(value: unknown, schemaRef: Schema, path: string, problems: string[]): void {
  const schema = resolve(schemaRef);
  if (typeof schema === "number") {
    checkScalar(value, schema, path, problems);
    return;
  }
  const kind = schema[0];
  if (kind === 1) {
    if (!Array.isArray(value)) {
      problems.push(`${path}: expected a list, got ${JSON.stringify(value)}`);
      return;
    }
    value.forEach((item, index) => checkValue(item, schema[4] as Schema, `${path}[${index}]`, problems));
    return;
  }
  if (kind !== 3) return;
  const structure = schema[2] as string;
  const names = schema[4] as string[];
  const members = schema[5] as Schema[];
  const required = (schema[6] as number | undefined) ?? 0;
  if (!isObject(value)) {
    problems.push(`${path}: expected a ${structure} object, got ${JSON.stringify(value)}`);
    return;
  }
  for (const name of names.slice(0, required)) {
    if (!(name in value) && !(`${name}.$` in value)) {
      problems.push(`${path}: ${structure} requires ${name}`);
    }
  }
  for (const [key, member] of Object.entries(value)) {
    const dynamic = key.endsWith(".$");
    const name = dynamic ? key.slice(0, -2) : key;
    const index = names.indexOf(name);
    if (index < 0) {
      problems.push(`${path}.${name}: not a member of ${structure} (members: ${names.join(", ")})`);
      continue;
    }
    if (dynamic) continue;
    const memberPath = `${path}.${name}`;
    checkValue(member, members[index] as Schema, memberPath, problems);
    const allowed = ENUMS[`${structure}.${name}`];
    if (allowed && typeof member === "string" && !Object.values(allowed).includes(member)) {
      problems.push(`${memberPath}: "${member}" is not one of SageMaker's ${structure}.${name} values`);
    }
    if (/KmsKeyId$/.test(name) && typeof member === "string" && !KMS_KEY_ARN.test(member)) {
      problems.push(`${memberPath}: "${member}" is not a KMS key ARN (an alias or a bare id is not)`);
    }
  }
}

/** Every problem of one Task's Parameters against its API's request shape. */
export function sageMakerParameterProblems(
  resource: string,
  parameters: unknown,
  state = "Parameters",
): string[] {
  const schema = requestSchemaOf(resource);
  if (schema === undefined) return [`${state}: no SageMaker API known for ${resource}`];
  const problems: string[] = [];
  checkValue(parameters, schema, state, problems);
  return problems;
}

/** The SageMaker Task states of a definition and the problems of each (empty when all is well). */
export function definitionSageMakerProblems(definition: StateMachineDefinition): {
  tasks: string[];
  problems: string[];
} {
  const tasks: string[] = [];
  const problems: string[] = [];
  for (const [name, state] of Object.entries(definition.States)) {
    if (state.Type !== "Task" || !/:states:::(aws-sdk:)?sagemaker:/.test(String(state.Resource))) continue;
    tasks.push(name);
    problems.push(...sageMakerParameterProblems(String(state.Resource), state.Parameters, name));
  }
  return { tasks, problems };
}
