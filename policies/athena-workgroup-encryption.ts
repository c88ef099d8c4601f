// Query results are copies of user data: the workgroup encrypts them and enforces its settings, so
// that a client cannot send results elsewhere unencrypted.
import type { ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { booleanAt, recordAt, stringAt } from "./lib/json";
import { RESOURCE_TYPES } from "./lib/resource-types";

export interface WorkgroupEncryptionConfig {
  allowedEncryptionOptions: string[];
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    allowedEncryptionOptions: {
      type: "array",
      items: { type: "string", enum: ["SSE_S3", "SSE_KMS", "CSE_KMS"] },
      default: ["SSE_S3", "SSE_KMS", "CSE_KMS"],
      description: "Allowed encryptionOption values of the result configuration.",
    },
  },
};

export const athenaWorkgroupEncryption: ResourceValidationPolicy = {
  name: "athena-workgroup-encryption",
  description:
    "Athena workgroups enforce their configuration (enforceWorkgroupConfiguration, true by default) and encrypt query " +
    "results with an allowed option (or use managed query results).",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    if (args.type !== RESOURCE_TYPES.athenaWorkgroup) return;
    const { allowedEncryptionOptions } = policyConfig<WorkgroupEncryptionConfig>(CONFIG_SCHEMA, args);
    const configuration = recordAt(args.props, "configuration");
    if (booleanAt(configuration, "enforceWorkgroupConfiguration") === false) {
      report(
        "configuration.enforceWorkgroupConfiguration is false; enforce it so clients cannot override encryption or output location",
      );
    }
    if (booleanAt(recordAt(configuration, "managedQueryResultsConfiguration"), "enabled") === true) return;
    const encryption = recordAt(recordAt(configuration, "resultConfiguration"), "encryptionConfiguration");
    const option = stringAt(encryption, "encryptionOption");
    if (option === undefined || !allowedEncryptionOptions.includes(option)) {
      report(
        `configuration.resultConfiguration.encryptionConfiguration.encryptionOption is ${option ?? "not set"}; ` +
          `use one of ${allowedEncryptionOptions.join(", ")}`,
      );
    } else if (option !== "SSE_S3" && stringAt(encryption, "kmsKeyArn") === undefined) {
      report(
        `encryptionOption ${option} needs configuration.resultConfiguration.encryptionConfiguration.kmsKeyArn`,
      );
    }
  },
};
