// Every Task can fail; one without a Catch ends the execution with a bare error instead of routing it
// to a Fail state that reports the cause. Checked at every depth (Parallel branches, Map processors).
import type { ResourceValidationPolicy, PolicyConfigSchema } from "@pulumi/policy";
import { policyConfig } from "./lib/config";
import { catchers, describeState } from "./lib/asl-read";
import { withDefinition } from "./lib/definition";

export interface CatchOnEveryTaskConfig {
  /** Error names of which a Catch must list at least one. */
  catchAllErrors: string[];
}

const CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    catchAllErrors: {
      type: "array",
      items: { type: "string" },
      default: ["States.ALL", "States.TaskFailed"],
      description: "A Catch that lists any of these errors counts as catching every task failure.",
    },
  },
};

export const sfnCatchOnEveryTask: ResourceValidationPolicy = {
  name: "sfn-catch-on-every-task",
  description:
    "Every Task state of a state machine (including those in Parallel branches and Map processors) has a Catch " +
    "that covers States.ALL or States.TaskFailed.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: CONFIG_SCHEMA,
  validateResource: (args, report) => {
    const { catchAllErrors } = policyConfig<CatchOnEveryTaskConfig>(CONFIG_SCHEMA, args);
    withDefinition(args, report, (definition) => {
      for (const state of definition.states) {
        if (state.type !== "Task") continue;
        const covered = catchers(state.raw).some((catcher) =>
          catcher.errorEquals.some((error) => catchAllErrors.includes(error)),
        );
        if (!covered) {
          report(
            `${describeState(state)} has no Catch for ${catchAllErrors.join(" or ")}; ` +
              "add one that routes to a Fail state carrying the error and its cause",
          );
        }
      }
    });
  },
};
