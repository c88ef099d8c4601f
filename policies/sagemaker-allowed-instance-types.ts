// SageMaker instance types are the pipeline's main cost: each role (processing, training, endpoint)
// may use only the types the environment's policy config allows, wherever a type is written.
import type { ReportViolation, ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { withDefinition } from "./lib/definition";
import { deepInstanceTypes } from "./lib/instance-types";
import { RESOURCE_TYPES } from "./lib/resource-types";
import {
  parameterVariants,
  readField,
  resourceVariants,
  sageMakerTasks,
  taskLabel,
  type EndpointVariant,
} from "./lib/sagemaker";

export interface AllowedInstanceTypesConfig {
  processingInstanceTypes: string[];
  trainingInstanceTypes: string[];
  endpointInstanceTypes: string[];
  /** Any other `aws:sagemaker/*` resource with an instance type (notebook instances, apps...). */
  otherInstanceTypes: string[];
  allowServerlessEndpoints: boolean;
  allowDynamicInstanceTypes: boolean;
}

type Role = "processing" | "training" | "endpoint" | "other";

const CONFIG_KEY: Record<Role, keyof AllowedInstanceTypesConfig> = {
  processing: "processingInstanceTypes",
  training: "trainingInstanceTypes",
  endpoint: "endpointInstanceTypes",
  other: "otherInstanceTypes",
};

const stringArray = (description: string, defaults: string[]) => ({
  type: "array" as const,
  items: { type: "string" as const },
  default: defaults,
  description,
});

function allowedFor(config: AllowedInstanceTypesConfig, role: Role): string[] {
  const allowed = config[CONFIG_KEY[role]];
  return Array.isArray(allowed) ? allowed : [];
}

function checkType(
  config: AllowedInstanceTypesConfig,
  role: Role,
  where: string,
  instanceType: string,
  report: ReportViolation,
): void {
  const allowed = allowedFor(config, role);
  if (allowed.includes(instanceType)) return;
  report(
    `${where}: ${role} instance type "${instanceType}" is not allowed (allowed: ${allowed.join(", ") || "none"}); ` +
      `use an allowed type or add it to ${CONFIG_KEY[role]} in the policy config`,
  );
}

function checkVariants(
  config: AllowedInstanceTypesConfig,
  where: string,
  list: EndpointVariant[],
  report: ReportViolation,
): void {
  for (const variant of list) {
    const at = where === "" ? variant.label : `${where} ${variant.label}`;
    if (variant.serverless && variant.instanceType === undefined) {
      if (!config.allowServerlessEndpoints) {
        report(
          `${at}: serverless endpoints are not allowed; set allowServerlessEndpoints in the policy config`,
        );
      }
    } else if (variant.instanceType === undefined) {
      report(`${at}: has neither an instance type nor a serverless config`);
    } else {
      checkType(config, "endpoint", at, variant.instanceType, report);
    }
  }
}

const JOB_INSTANCE_FIELDS: Partial<Record<string, { role: Role; keys: string[] }>> = {
  createProcessingJob: { role: "processing", keys: ["ProcessingResources", "ClusterConfig", "InstanceType"] },
  createTrainingJob: { role: "training", keys: ["ResourceConfig", "InstanceType"] },
};

function checkStateMachine(
  config: AllowedInstanceTypesConfig,
  args: Parameters<typeof withDefinition>[0],
  report: ReportViolation,
): void {
  withDefinition(args, report, (definition) => {
    for (const task of sageMakerTasks(definition)) {
      const where = taskLabel(task);
      if (task.action === "createEndpointConfig") {
        const dynamic = readField(task.parameters, ["ProductionVariants"]);
        if (dynamic.kind === "dynamic") {
          reportDynamic(config, where, "endpoint", dynamic.field, dynamic.path, report);
        }
        checkVariants(config, where, parameterVariants(task.parameters), report);
        continue;
      }
      const fields = JOB_INSTANCE_FIELDS[task.action];
      if (fields === undefined) continue;
      const read = readField(task.parameters, fields.keys);
      if (read.kind === "dynamic") {
        reportDynamic(config, where, fields.role, read.field, read.path, report);
      } else if (read.kind === "value" && typeof read.value === "string") {
        checkType(config, fields.role, where, read.value, report);
      } else if (
        task.action === "createTrainingJob" &&
        readField(task.parameters, ["ResourceConfig", "InstanceGroups"]).kind === "value"
      ) {
        checkInstanceGroups(config, where, task.parameters, report);
      } else {
        report(`${where}: the ${fields.role} job has no instance type (${fields.keys.join(".")})`);
      }
    }
  });
}

function checkInstanceGroups(
  config: AllowedInstanceTypesConfig,
  where: string,
  parameters: Record<string, unknown>,
  report: ReportViolation,
): void {
  const groups = readField(parameters, ["ResourceConfig", "InstanceGroups"]);
  const list = groups.kind === "value" && Array.isArray(groups.value) ? (groups.value as unknown[]) : [];
  list.forEach((group, index) => {
    const read = readField(
      typeof group === "object" && group !== null ? (group as Record<string, unknown>) : {},
      ["InstanceType"],
    );
    const at = `${where} instance group #${index + 1}`;
    if (read.kind === "dynamic") reportDynamic(config, at, "training", read.field, read.path, report);
    else if (read.kind === "value" && typeof read.value === "string")
      checkType(config, "training", at, read.value, report);
    else report(`${at}: has no instance type (InstanceType)`);
  });
}

function reportDynamic(
  config: AllowedInstanceTypesConfig,
  where: string,
  role: Role,
  field: string,
  path: string,
  report: ReportViolation,
): void {
  if (config.allowDynamicInstanceTypes) return;
  report(
    `${where}: the ${role} instance type is dynamic (${field}: ${JSON.stringify(path)}) and cannot be checked; ` +
      "write a fixed InstanceType, or set allowDynamicInstanceTypes in the policy config",
  );
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    processingInstanceTypes: stringArray("Instance types allowed for processing jobs.", [
      "ml.t3.medium",
      "ml.m5.large",
    ]),
    trainingInstanceTypes: stringArray("Instance types allowed for training jobs.", ["ml.m5.large"]),
    endpointInstanceTypes: stringArray("Instance types allowed for endpoint variants.", [
      "ml.t2.medium",
      "ml.m5.large",
    ]),
    otherInstanceTypes: stringArray(
      "Instance types allowed for other SageMaker resources (notebooks, apps).",
      ["ml.t3.medium"],
    ),
    allowServerlessEndpoints: {
      type: "boolean",
      default: true,
      description: "Whether endpoint variants may be serverless (no instance type).",
    },
    allowDynamicInstanceTypes: {
      type: "boolean",
      default: false,
      description: "Whether a task may take its instance type from the execution data (`InstanceType.$`).",
    },
  },
};

export const sagemakerAllowedInstanceTypes: ResourceValidationPolicy = {
  name: "sagemaker-allowed-instance-types",
  description:
    "SageMaker processing, training and endpoint instance types must be among those the environment allows, " +
    "in endpoint configurations, other SageMaker resources and Step Functions SageMaker tasks.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    const config = policyConfig<AllowedInstanceTypesConfig>(CONFIG_SCHEMA, args);
    const props: Record<string, unknown> = args.props;
    if (args.type === RESOURCE_TYPES.endpointConfiguration) {
      checkVariants(config, "", resourceVariants(props), report);
    } else if (args.type === RESOURCE_TYPES.stateMachine) {
      checkStateMachine(config, args, report);
    } else if (args.type.startsWith("aws:sagemaker/")) {
      for (const found of deepInstanceTypes(props))
        checkType(config, "other", found.path, found.instanceType, report);
    }
  },
};
