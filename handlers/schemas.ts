// Shared zod schemas for events and configuration, and the validation that turns a zod failure into
// `InvalidInput` / `InvalidConfiguration` with a message naming each bad field.
import { z } from "zod";
import { SAGEMAKER_NAME, SAGEMAKER_NAME_RULE } from "../contracts/sagemaker-names";
import { InvalidS3Uri } from "./errors";
import { parseS3ObjectUri, parseS3Uri } from "./s3-uri";

/**
 * `$$.Execution.Name`: used in logs and in the snapshot's key, so limited to characters that are safe
 * in an S3 key and a file name (Step Functions allows a superset; the pipeline's names fit this).
 */
export const executionNameSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-][A-Za-z0-9._-]{0,79}$/, "must be 1-80 of A-Z a-z 0-9 . _ - (not starting with .)");

/** SageMaker endpoint names. */
export const endpointNameSchema = z
  .string()
  .regex(SAGEMAKER_NAME, `must be a SageMaker endpoint name (${SAGEMAKER_NAME_RULE})`);

function s3Refinement(parse: (uri: string) => unknown) {
  return (uri: string, context: z.RefinementCtx): void => {
    try {
      parse(uri);
    } catch (error) {
      if (!(error instanceof InvalidS3Uri)) throw error;
      context.addIssue({ code: "custom", message: error.message });
    }
  };
}

/** `s3://<bucket>/<key-or-prefix>`. */
export const s3UriSchema = z.string().superRefine(s3Refinement(parseS3Uri));
/** `s3://<bucket>/<key>` naming an object. */
export const s3ObjectUriSchema = z.string().superRefine(s3Refinement(parseS3ObjectUri));

/** "event.a.b: message; event.c: message", for error messages that name every bad field. */
export function describeIssues(root: string, error: z.ZodError): string {
  return error.issues
    .map((issue) => `${[root, ...issue.path.map(String)].join(".")}: ${issue.message}`)
    .join("; ");
}

/** Parses `value` with `schema`, or throws `makeError(message naming every bad field)`. */
export function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  root: string,
  makeError: (message: string) => Error,
  hint: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw makeError(`${describeIssues(root, parsed.error)}. ${hint}`);
  }
  return parsed.data;
}
