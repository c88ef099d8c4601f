// Throttling and service hiccups are expected in a long pipeline: every Task retries them with a
// bounded number of attempts, and a Lambda task retries the Lambda service's own transient errors.
import type { ReportViolation, ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { describeState, retriers, type StateRef } from "./lib/asl-read";
import { withDefinition } from "./lib/definition";
import { numberAt, stringAt } from "./lib/json";

export interface RetryTransientErrorsConfig {
  transientErrors: string[];
  lambdaServiceErrors: string[];
  maxAttempts: number;
}

/** These match every error a task raises (States.TaskFailed: all but States.Timeout). */
const WILDCARDS = ["States.ALL", "States.TaskFailed"];

/** ASL's default MaxAttempts. */
const DEFAULT_MAX_ATTEMPTS = 3;

const LAMBDA_TASK =
  /^arn:[a-z-]+:(states:::lambda:invoke(\.waitForTaskToken)?|lambda:[^:]+:\d+:function:.+)$/;

function checkTask(state: StateRef, config: RetryTransientErrorsConfig, report: ReportViolation): void {
  const where = describeState(state);
  const active = retriers(state.raw).filter(
    (retrier) => (numberAt(retrier.raw, "MaxAttempts") ?? DEFAULT_MAX_ATTEMPTS) > 0,
  );
  const retried = new Set(active.flatMap((retrier) => retrier.errorEquals));
  const retriesEverything = WILDCARDS.some((error) => retried.has(error));
  if (!retriesEverything && !config.transientErrors.some((error) => retried.has(error))) {
    report(
      `${where} has no Retry for a transient error (any of transientErrors in the policy config, ` +
        `e.g. ${config.transientErrors.slice(0, 3).join(", ")}); add a Retry with backoff`,
    );
  }
  if (LAMBDA_TASK.test(stringAt(state.raw, "Resource") ?? "") && !retriesEverything) {
    const missing = config.lambdaServiceErrors.filter((error) => !retried.has(error));
    if (missing.length > 0) {
      report(
        `${where} calls Lambda but does not retry ${missing.join(", ")}; retry the Lambda service errors with backoff`,
      );
    }
  }
  retriers(state.raw).forEach((retrier, index) => {
    const attempts = numberAt(retrier.raw, "MaxAttempts") ?? DEFAULT_MAX_ATTEMPTS;
    if (attempts > config.maxAttempts) {
      report(
        `${where} Retry #${index + 1} allows ${attempts} attempts, more than maxAttempts (${config.maxAttempts})`,
      );
    }
  });
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    transientErrors: {
      type: "array",
      items: { type: "string" },
      default: [
        "ThrottlingException",
        "TooManyRequestsException",
        "ServiceUnavailable",
        "InternalServerException",
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
        "SageMaker.AmazonSageMakerException",
        "SageMaker.ThrottlingException",
        "SageMaker.InternalFailure",
        "SageMaker.ServiceUnavailable",
        "Athena.TooManyRequestsException",
        "SNS.ThrottledException",
        "SNS.InternalErrorException",
      ],
      description: "Error names that count as transient: every Task retries at least one (or States.ALL).",
    },
    lambdaServiceErrors: {
      type: "array",
      items: { type: "string" },
      default: [
        "Lambda.ServiceException",
        "Lambda.AWSLambdaException",
        "Lambda.SdkClientException",
        "Lambda.TooManyRequestsException",
      ],
      description: "Errors a Lambda task must retry, all of them (or States.ALL).",
    },
    maxAttempts: {
      type: "integer",
      minimum: 1,
      default: 10,
      description: "The most attempts a Retry may allow (MaxAttempts, default 3).",
    },
  },
};

export const sfnRetryTransientErrors: ResourceValidationPolicy = {
  name: "sfn-retry-transient-errors",
  description:
    "Every Task state retries transient errors (Lambda tasks: the Lambda service errors) with a bounded number of attempts.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    const config = policyConfig<RetryTransientErrorsConfig>(CONFIG_SCHEMA, args);
    withDefinition(args, report, (definition) => {
      for (const state of definition.states) {
        if (state.type === "Task") checkTask(state, config, report);
      }
    });
  },
};
