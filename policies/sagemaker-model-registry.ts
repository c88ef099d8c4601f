// Every evaluated model is registered in a Model Package Group the stack itself declares: a state
// machine Task that calls CreateModelPackage (`arn:aws:states:::aws-sdk:sagemaker:createModelPackage`)
// must name, as a fixed value, the group of an `aws.sagemaker.ModelPackageGroup` in the same stack, or
// the registrations fail at run time (or land in a group nobody owns); and each group carries the tags
// that say whose it is.
import type { PolicyConfigSchema, PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { describeState, parseDefinition, taskParameters } from "./lib/asl-read";
import { policyConfig } from "./lib/config";
import { recordAt, stringAt } from "./lib/json";
import { reportAdvisory } from "./lib/report";
import { RESOURCE_TYPES } from "./lib/resource-types";
import { readField } from "./lib/sagemaker";

export interface ModelRegistryConfig {
  requiredTags: string[];
}

/** Step Functions' AWS SDK integration for CreateModelPackage (no optimized integration exists). */
const CREATE_MODEL_PACKAGE = /^arn:aws[a-z-]*:states:::aws-sdk:sagemaker:createModelPackage$/;

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    requiredTags: {
      type: "array",
      items: { type: "string" },
      default: ["project", "environment"],
      description: "Tags every Model Package Group must carry.",
    },
  },
};

function declaredGroups(resources: readonly PolicyResource[]): Map<string, PolicyResource> {
  const groups = new Map<string, PolicyResource>();
  for (const resource of resources) {
    if (resource.type !== RESOURCE_TYPES.modelPackageGroup) continue;
    const name = stringAt(resource.props, "modelPackageGroupName");
    if (name !== undefined) groups.set(name, resource);
  }
  return groups;
}

export const sagemakerModelRegistry: StackValidationPolicy = {
  name: "sagemaker-model-registry",
  description:
    "State machine tasks that register models (CreateModelPackage) name a Model Package Group the stack declares, " +
    "and every Model Package Group carries the required tags.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: CONFIG_SCHEMA,
  validateStack: (args, report) => {
    const { requiredTags } = policyConfig<ModelRegistryConfig>(CONFIG_SCHEMA, args);
    const groups = declaredGroups(args.resources);
    for (const [name, group] of groups) {
      const tags = recordAt(group.props, "tags") ?? {};
      const missing = requiredTags.filter((tag) => typeof tags[tag] !== "string" || tags[tag] === "");
      if (missing.length > 0) {
        report(
          `Model Package Group ${name} has no ${missing.join(", ")} tag; tag it as the stack's other resources`,
          group.urn,
        );
      }
    }
    for (const machine of args.resources.filter((r) => r.type === RESOURCE_TYPES.stateMachine)) {
      const text = stringAt(machine.props, "definition");
      if (text === undefined) {
        reportAdvisory(
          report,
          "the definition is not known yet; its model registrations are checked when it is known, at `pulumi up`",
          machine.urn,
        );
        continue;
      }
      const parsed = parseDefinition(text);
      if (!parsed.ok) continue; // the definition policies report an unreadable definition
      for (const state of parsed.definition.states) {
        if (state.type !== "Task" || !CREATE_MODEL_PACKAGE.test(stringAt(state.raw, "Resource") ?? ""))
          continue;
        const read = readField(taskParameters(state.raw) ?? {}, ["ModelPackageGroupName"]);
        const where = describeState(state);
        if (read.kind === "missing") {
          report(
            `${where} registers a model without ModelPackageGroupName; name the stack's group`,
            machine.urn,
          );
        } else if (read.kind === "dynamic") {
          report(
            `${where} names its Model Package Group at run time (${read.path}); write the stack's group so that it can be checked`,
            machine.urn,
          );
        } else if (typeof read.value !== "string" || !groups.has(read.value)) {
          report(
            `${where} registers models in ${JSON.stringify(read.value)}, which is not a Model Package Group of this stack ` +
              `(declared: ${[...groups.keys()].join(", ") || "none"}); declare it with aws.sagemaker.ModelPackageGroup`,
            machine.urn,
          );
        }
      }
    }
  },
};
