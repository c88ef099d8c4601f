// Deprecated runtimes stop receiving security patches and then block updates.
import type { ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { stringAt } from "./lib/json";
import { RESOURCE_TYPES } from "./lib/resource-types";

export interface AllowedRuntimesConfig {
  allowedRuntimes: string[];
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    allowedRuntimes: {
      type: "array",
      items: { type: "string" },
      default: ["nodejs20.x", "nodejs22.x"],
      description: "Allowed `runtime` values.",
    },
  },
};

export const lambdaAllowedRuntimes: ResourceValidationPolicy = {
  name: "lambda-allowed-runtimes",
  description: "Lambda functions packaged as zip use an allowed runtime.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    if (args.type !== RESOURCE_TYPES.lambdaFunction) return;
    const props: Record<string, unknown> = args.props;
    if (stringAt(props, "packageType") === "Image") return;
    const { allowedRuntimes } = policyConfig<AllowedRuntimesConfig>(CONFIG_SCHEMA, args);
    const runtime = stringAt(props, "runtime");
    if (runtime === undefined || !allowedRuntimes.includes(runtime)) {
      report(
        `runtime ${runtime === undefined ? "is not set" : `"${runtime}" is not allowed`}; use one of ${allowedRuntimes.join(", ")}`,
      );
    }
  },
};
