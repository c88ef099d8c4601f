// Reporting helpers shared by the policies.
import type { ReportViolation } from "@pulumi/policy";

/** The object form of a violation report: it carries its own enforcement level. */
export interface ViolationInfo {
  message: string;
  enforcementLevel: "advisory";
  urn?: string;
}

/**
 * Reports an advisory message whatever the policy's enforcement level: for facts a policy cannot
 * judge yet (a definition unknown during preview), which must not block a deployment.
 * @pulumi/policy's server accepts this object form at run time (server.js `makeReportViolationFun`:
 * `typeof message === "object"` takes `enforcementLevel` from it); its TypeScript type only declares
 * the string form, hence the cast. The offline checker's collector accepts both forms.
 */
export function reportAdvisory(reportViolation: ReportViolation, message: string, urn?: string): void {
  const report = reportViolation as unknown as (info: ViolationInfo) => void;
  report({ message, enforcementLevel: "advisory", ...(urn === undefined ? {} : { urn }) });
}
