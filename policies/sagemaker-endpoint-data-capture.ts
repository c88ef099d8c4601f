// In production the endpoint's requests and predictions are captured, so that drift in the users'
// habits (and a wrong hour) can be measured against what the model saw. Serverless endpoints cannot
// capture data and are exempt.
import type { ReportViolation, ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { withDefinition } from "./lib/definition";
import { arrayAt, booleanAt, isRecord, numberAt, recordAt, stringAt } from "./lib/json";
import { RESOURCE_TYPES } from "./lib/resource-types";
import {
  allServerless,
  parameterVariants,
  readField,
  resourceVariants,
  sageMakerTasks,
  taskLabel,
} from "./lib/sagemaker";

export interface EndpointDataCaptureConfig {
  minSamplingPercentage: number;
  requiredCaptureModes: string[];
}

/** Resource inputs are the API's fields in camelCase: `DestinationS3Uri` → `destinationS3Uri`. */
type Casing = (apiName: string) => string;
const apiCase: Casing = (name) => name;
const inputCase: Casing = (name) => name.charAt(0).toLowerCase() + name.slice(1);

function captureProblems(
  capture: Record<string, unknown>,
  casing: Casing,
  config: EndpointDataCaptureConfig,
): string[] {
  const problems: string[] = [];
  const field = (name: string) => casing(name);
  if (booleanAt(capture, field("EnableCapture")) === false)
    problems.push(`${field("EnableCapture")} is false`);
  const sampling = numberAt(capture, field("InitialSamplingPercentage"));
  if (sampling === undefined || sampling < config.minSamplingPercentage) {
    problems.push(
      `${field("InitialSamplingPercentage")} is ${sampling ?? "not set"} (at least ${config.minSamplingPercentage})`,
    );
  }
  if (stringAt(capture, field("DestinationS3Uri")) === undefined)
    problems.push(`${field("DestinationS3Uri")} is not set`);
  const modes = arrayAt(capture, field("CaptureOptions"))
    .filter(isRecord)
    .map((option) => stringAt(option, field("CaptureMode")));
  const missing = config.requiredCaptureModes.filter((mode) => !modes.includes(mode));
  if (missing.length > 0) problems.push(`${field("CaptureOptions")} does not capture ${missing.join(", ")}`);
  return problems;
}

function reportProblems(where: string, block: string, problems: string[], report: ReportViolation): void {
  if (problems.length > 0) {
    report(`${where}${block}: ${problems.join("; ")}; capture the endpoint's inputs and outputs to S3`);
  }
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    minSamplingPercentage: {
      type: "number",
      minimum: 0,
      maximum: 100,
      default: 10,
      description: "The lowest InitialSamplingPercentage allowed.",
    },
    requiredCaptureModes: {
      type: "array",
      items: { type: "string", enum: ["Input", "Output"] },
      default: ["Input", "Output"],
      description: "The capture modes that must be enabled.",
    },
  },
};

export const sagemakerEndpointDataCapture: ResourceValidationPolicy = {
  name: "sagemaker-endpoint-data-capture",
  description:
    "Instance-based SageMaker endpoint configurations (resources and state machine createEndpointConfig tasks) capture " +
    "inputs and outputs to S3.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    const config = policyConfig<EndpointDataCaptureConfig>(CONFIG_SCHEMA, args);
    const props: Record<string, unknown> = args.props;
    if (args.type === RESOURCE_TYPES.endpointConfiguration) {
      if (allServerless(resourceVariants(props))) return;
      const capture = recordAt(props, "dataCaptureConfig");
      if (capture === undefined) {
        report("dataCaptureConfig is not set; capture the endpoint's inputs and outputs to S3");
      } else {
        reportProblems("", "dataCaptureConfig", captureProblems(capture, inputCase, config), report);
      }
      return;
    }
    if (args.type !== RESOURCE_TYPES.stateMachine) return;
    withDefinition(args, report, (definition) => {
      for (const task of sageMakerTasks(definition)) {
        if (task.action !== "createEndpointConfig" || allServerless(parameterVariants(task.parameters)))
          continue;
        const read = readField(task.parameters, ["DataCaptureConfig"]);
        const where = `${taskLabel(task)}: `;
        if (read.kind === "missing") {
          report(`${where}DataCaptureConfig is not set; capture the endpoint's inputs and outputs to S3`);
        } else if (read.kind === "dynamic") {
          report(
            `${where}${read.field} is dynamic (${read.path}) and cannot be checked; write the DataCaptureConfig`,
          );
        } else {
          const capture = isRecord(read.value) ? read.value : {};
          reportProblems(where, "DataCaptureConfig", captureProblems(capture, apiCase, config), report);
        }
      }
    });
  },
};
