// The state machine definition of an `aws:sfn/stateMachine:StateMachine`, which the policies inspect.
import type { ReportViolation, ResourceValidationArgs } from "@pulumi/policy";
import { parseDefinition, type ParsedDefinition } from "./asl-read";
import { reportAdvisory } from "./report";
import { RESOURCE_TYPES } from "./resource-types";

/**
 * Runs `check` on the parsed definition of a state machine resource. When the definition cannot be
 * read (unknown during preview: the input is absent or not a string; or it is not parseable) it
 * reports an advisory message instead: the policy runs again on `pulumi up`, when it is known.
 */
export function withDefinition(
  args: ResourceValidationArgs,
  reportViolation: ReportViolation,
  check: (definition: ParsedDefinition) => void,
): void {
  if (args.type !== RESOURCE_TYPES.stateMachine) return;
  const props: Record<string, unknown> = args.props;
  const text = props["definition"];
  if (typeof text !== "string") {
    reportAdvisory(
      reportViolation,
      "the definition is not known yet (it depends on values computed during the update); " +
        "it is checked when it is known, at `pulumi up`",
    );
    return;
  }
  const parsed = parseDefinition(text);
  if (!parsed.ok) {
    reportAdvisory(
      reportViolation,
      `the definition cannot be checked: ${parsed.reason}; Step Functions will reject it too, fix the definition builder`,
    );
    return;
  }
  check(parsed.definition);
}
