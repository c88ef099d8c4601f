// The checker's report: one row per violation (policy, resource, level, message) and a summary.
import type { Violation } from "./evaluate";

/** `aws:sfn/stateMachine:StateMachine` → `aws:sfn:StateMachine`. */
export function shortType(type: string): string {
  const match = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(type);
  return match ? `${match[1]}:${match[2]}:${match[3]}` : type;
}

export function resourceLabel(violation: Violation): string {
  return violation.resource
    ? `${violation.resource.name} (${shortType(violation.resource.type)})`
    : "(stack)";
}

export function formatTable(violations: readonly Violation[]): string {
  if (violations.length === 0) return "No policy violations.";
  const header = ["POLICY", "RESOURCE", "LEVEL", "MESSAGE"];
  const rows = violations.map((violation) => [
    violation.policy,
    resourceLabel(violation),
    violation.level,
    violation.message,
  ]);
  const widths = [0, 1, 2].map((column) =>
    Math.max(...[header, ...rows].map((row) => (row[column] ?? "").length)),
  );
  const line = (row: string[]) =>
    row
      .map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n");
}

export function summary(violations: readonly Violation[], resourceCount: number): string {
  const count = (level: string) => violations.filter((violation) => violation.level === level).length;
  const blocking = count("mandatory") + count("remediate");
  return `${resourceCount} resources checked: ${blocking} mandatory, ${count("advisory")} advisory violation(s).`;
}
