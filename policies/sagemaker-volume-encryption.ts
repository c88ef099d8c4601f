// Production training data and models pass through SageMaker instance volumes: they must be
// encrypted with a KMS key (endpoint configs, notebooks, and the jobs the state machine starts).
import type { ReportViolation, ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { withDefinition } from "./lib/definition";
import { stringAt } from "./lib/json";
import { RESOURCE_TYPES } from "./lib/resource-types";
import {
  allServerless,
  parameterVariants,
  readField,
  resourceVariants,
  sageMakerTasks,
  taskLabel,
  type SageMakerAction,
} from "./lib/sagemaker";

export interface VolumeEncryptionConfig {
  allowDynamicKeys: boolean;
}

/** Where each job-starting integration takes the key of its instances' storage volumes. */
const VOLUME_KEY_FIELDS: Partial<Record<SageMakerAction, string[]>> = {
  createProcessingJob: ["ProcessingResources", "ClusterConfig", "VolumeKmsKeyId"],
  createTrainingJob: ["ResourceConfig", "VolumeKmsKeyId"],
  createTransformJob: ["TransformResources", "VolumeKmsKeyId"],
  createEndpointConfig: ["KmsKeyId"],
};

function checkDefinition(
  args: Parameters<typeof withDefinition>[0],
  config: VolumeEncryptionConfig,
  report: ReportViolation,
): void {
  withDefinition(args, report, (definition) => {
    for (const task of sageMakerTasks(definition)) {
      const keys = VOLUME_KEY_FIELDS[task.action];
      if (keys === undefined) continue;
      if (task.action === "createEndpointConfig" && allServerless(parameterVariants(task.parameters)))
        continue;
      const read = readField(task.parameters, keys);
      if (read.kind === "missing") {
        report(
          `${taskLabel(task)}: ${keys.join(".")} is not set; encrypt the instances' storage volumes with a KMS key`,
        );
      } else if (read.kind === "dynamic" && !config.allowDynamicKeys) {
        report(
          `${taskLabel(task)}: ${read.field} is dynamic (${read.path}); write the KMS key ARN, or set allowDynamicKeys`,
        );
      }
    }
  });
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    allowDynamicKeys: {
      type: "boolean",
      default: true,
      description: "Whether a task may take its KMS key from the execution data (`VolumeKmsKeyId.$`).",
    },
  },
};

export const sagemakerVolumeEncryption: ResourceValidationPolicy = {
  name: "sagemaker-volume-encryption",
  description:
    "SageMaker storage volumes are encrypted with a KMS key: endpoint configurations, notebook instances, and the " +
    "processing, training, transform and endpoint-config tasks of state machines (serverless endpoints excepted).",
  enforcementLevel: "advisory",
  severity: "high",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    const config = policyConfig<VolumeEncryptionConfig>(CONFIG_SCHEMA, args);
    const props: Record<string, unknown> = args.props;
    switch (args.type) {
      case RESOURCE_TYPES.endpointConfiguration:
        if (!allServerless(resourceVariants(props)) && stringAt(props, "kmsKeyArn") === undefined) {
          report("kmsKeyArn is not set; encrypt the endpoint instances' storage volumes with a KMS key");
        }
        return;
      case RESOURCE_TYPES.notebookInstance:
        if (stringAt(props, "kmsKeyId") === undefined) {
          report("kmsKeyId is not set; encrypt the notebook's storage volume with a KMS key");
        }
        return;
      case RESOURCE_TYPES.stateMachine:
        checkDefinition(args, config, report);
        return;
      default:
        return;
    }
  },
};
