// Without execution logs a failed training run leaves only the console's history, which expires.
import type { ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { RESOURCE_TYPES } from "./lib/resource-types";
import { booleanAt, recordAt, stringAt } from "./lib/json";

export interface LoggingEnabledConfig {
  minimumLevel: "FATAL" | "ERROR" | "ALL";
  requireExecutionData: boolean;
}

/** Step Functions log levels, least to most verbose. */
const LEVELS = ["OFF", "FATAL", "ERROR", "ALL"];

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    minimumLevel: {
      type: "string",
      enum: ["FATAL", "ERROR", "ALL"],
      default: "ERROR",
      description: "The least verbose logging level allowed.",
    },
    requireExecutionData: {
      type: "boolean",
      default: false,
      description: "Whether logs must include execution data (inputs and outputs).",
    },
  },
};

export const sfnLoggingEnabled: ResourceValidationPolicy = {
  name: "sfn-logging-enabled",
  description: "State machines log to a CloudWatch log group at least at the configured level.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    if (args.type !== RESOURCE_TYPES.stateMachine) return;
    const config = policyConfig<LoggingEnabledConfig>(CONFIG_SCHEMA, args);
    const logging = recordAt(args.props, "loggingConfiguration");
    if (logging === undefined) {
      report(
        `loggingConfiguration is not set; log at level ${config.minimumLevel} or above to a CloudWatch log group`,
      );
      return;
    }
    const level = stringAt(logging, "level") ?? "OFF";
    if (LEVELS.indexOf(level) < LEVELS.indexOf(config.minimumLevel)) {
      report(`loggingConfiguration.level is ${level}; it must be ${config.minimumLevel} or more verbose`);
    }
    const destination = stringAt(logging, "logDestination");
    if (destination === undefined) {
      report(
        "loggingConfiguration.logDestination is not set; give the ARN of a CloudWatch log group, ending in :*",
      );
    } else if (!destination.endsWith(":*")) {
      report(`loggingConfiguration.logDestination "${destination}" must be a log group ARN ending in :*`);
    }
    if (config.requireExecutionData && booleanAt(logging, "includeExecutionData") !== true) {
      report("loggingConfiguration.includeExecutionData must be true in this environment");
    }
  },
};
