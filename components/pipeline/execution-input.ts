// What an execution input may hold (the keys of EXECUTION_INPUT_KEYS, docs/contracts.md) and the check
// both the local runner and `npm run execution -- start` apply before anything runs. Pure.
import {
  SAGEMAKER_NAME,
  SAGEMAKER_NAME_MAX_LENGTH,
  SAGEMAKER_NAME_RULE,
  sageMakerNamePattern,
} from "../../contracts/sagemaker-names";
import type { JsonValue } from "../asl/types";
import { EXECUTION_INPUT_KEYS, EXECUTION_NAME_MAX_LENGTH } from "./definition";

export class InvalidExecutionInputError extends Error {
  override readonly name = "InvalidExecutionInputError";
}

/** Execution names that keep the default job names within SageMaker's 63 characters (docs/contracts.md). */
const EXECUTION_NAME = sageMakerNamePattern(EXECUTION_NAME_MAX_LENGTH);

export function checkExecutionName(name: string): string {
  if (!EXECUTION_NAME.test(name)) {
    throw new InvalidExecutionInputError(
      `Execution name "${name}" is invalid: use 1-${EXECUTION_NAME_MAX_LENGTH} letters, digits or hyphens ` +
        `(it prefixes SageMaker names such as <name>-preprocess, which allow ${SAGEMAKER_NAME_MAX_LENGTH} characters).`,
    );
  }
  return name;
}

/** What each execution input value must be, with the message for a bad one. */
function executionInputProblem(key: string, value: JsonValue): string | undefined {
  if (key === "ForceDeploy") return typeof value === "boolean" ? undefined : "must be true or false";
  if (key === "InputFilePath") {
    return typeof value === "string" && value.startsWith("s3://")
      ? undefined
      : "must be an s3:// URI of the SQL";
  }
  return typeof value === "string" && SAGEMAKER_NAME.test(value)
    ? undefined
    : `must be a SageMaker name: ${SAGEMAKER_NAME_RULE}`;
}

/** Checks the execution input's keys and values, naming each bad one. */
export function checkExecutionInput(input: Record<string, JsonValue>): Record<string, JsonValue> {
  const known: readonly string[] = EXECUTION_INPUT_KEYS;
  const unknown = Object.keys(input).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new InvalidExecutionInputError(
      `Unknown execution input key(s): ${unknown.join(", ")}. Known keys: ${EXECUTION_INPUT_KEYS.join(", ")}.`,
    );
  }
  const problems = Object.entries(input).flatMap(([key, value]) => {
    const problem = executionInputProblem(key, value);
    return problem ? [`${key} ${problem} (got ${JSON.stringify(value)})`] : [];
  });
  if (problems.length > 0) {
    throw new InvalidExecutionInputError(`Invalid execution input: ${problems.join("; ")}.`);
  }
  return input;
}
