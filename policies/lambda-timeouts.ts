// Lambda's default timeout (3 s) is a surprise for handlers that call Athena or S3, and a long one
// hides hangs: every function states its timeout, within the bound.
import type { ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { numberAt } from "./lib/json";
import { RESOURCE_TYPES } from "./lib/resource-types";

export interface TimeoutsConfig {
  maxTimeoutSeconds: number;
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    maxTimeoutSeconds: {
      type: "integer",
      minimum: 1,
      maximum: 900,
      default: 300,
      description: "The longest timeout allowed, in seconds.",
    },
  },
};

export const lambdaTimeouts: ResourceValidationPolicy = {
  name: "lambda-timeouts",
  description: "Lambda functions set `timeout` explicitly, at most maxTimeoutSeconds.",
  enforcementLevel: "mandatory",
  severity: "low",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    if (args.type !== RESOURCE_TYPES.lambdaFunction) return;
    const { maxTimeoutSeconds } = policyConfig<TimeoutsConfig>(CONFIG_SCHEMA, args);
    const timeout = numberAt(args.props, "timeout");
    if (timeout === undefined) {
      report(
        `timeout is not set (Lambda's default is 3 seconds); set it, at most ${maxTimeoutSeconds} seconds`,
      );
    } else if (timeout > maxTimeoutSeconds) {
      report(`timeout ${timeout} exceeds maxTimeoutSeconds (${maxTimeoutSeconds})`);
    }
  },
};
