// Which state machine the execution CLI talks to: `--state-machine-arn` (and `--region`), or a stack's
// outputs file, written after `pulumi up` by `pulumi stack output --json -s <stack> > stack-outputs/<stack>.json`.
// The region is the state machine ARN's unless --region says otherwise.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ExecutionCliError } from "./aws-errors";

export const STACK_OUTPUTS_DIR = "stack-outputs";

export interface Target {
  stateMachineArn: string;
  region: string;
  /** The stack outputs the target came from (artifact bucket, endpoint name), if any. */
  outputs: Record<string, unknown>;
}

const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([\w-]+)$/;

export function parseStateMachineArn(arn: string): { region: string; account: string; name: string } {
  const match = STATE_MACHINE_ARN.exec(arn);
  if (!match) {
    throw new ExecutionCliError(
      `"${arn}" is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>).`,
    );
  }
  return { region: match[1] ?? "", account: match[2] ?? "", name: match[3] ?? "" };
}

/** The execution ARN of a name, or the ARN as given. */
export function executionArnOf(stateMachineArn: string, execution: string): string {
  if (execution.startsWith("arn:")) return execution;
  return `${stateMachineArn.replace(":stateMachine:", ":execution:")}:${execution}`;
}

export interface TargetFlags {
  stack?: string;
  stateMachineArn?: string;
  region?: string;
  /** Where the outputs files are. @default stack-outputs */
  outputsDir?: string;
}

export function stackOutputsPath(stack: string, outputsDir = STACK_OUTPUTS_DIR): string {
  return join(outputsDir, `${stack}.json`);
}

function readOutputs(stack: string, outputsDir: string | undefined): Record<string, unknown> {
  const path = stackOutputsPath(stack, outputsDir);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ExecutionCliError(
      `No outputs file for stack "${stack}" at ${path}. After \`pulumi up -s ${stack}\`, write it with ` +
        `\`pulumi stack output --json -s ${stack} > ${path}\`, or pass --state-machine-arn.`,
    );
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("not an object");
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ExecutionCliError(
      `${path} is not the JSON object \`pulumi stack output --json\` writes: ${(error as Error).message}.`,
    );
  }
}

export function resolveTarget(flags: TargetFlags): Target {
  let outputs: Record<string, unknown> = {};
  let arn = flags.stateMachineArn;
  if (!arn) {
    if (!flags.stack) {
      throw new ExecutionCliError("Say which pipeline: --stack dev|prod, or --state-machine-arn <arn>.");
    }
    outputs = readOutputs(flags.stack, flags.outputsDir);
    const value = outputs["stateMachineArn"];
    if (typeof value !== "string" || value === "") {
      throw new ExecutionCliError(
        `The outputs of stack "${flags.stack}" (${stackOutputsPath(flags.stack, flags.outputsDir)}) have no ` +
          `stateMachineArn (keys: ${Object.keys(outputs).join(", ") || "none"}). Re-export them after \`pulumi up\`.`,
      );
    }
    arn = value;
  }
  const parsed = parseStateMachineArn(arn);
  return { stateMachineArn: arn, region: flags.region ?? parsed.region, outputs };
}
