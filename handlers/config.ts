// Handler configuration: from environment variables in Lambda (docs/contracts.md), from an object in the
// local runner; both validated by the same schemas.
import { z } from "zod";
import { InvalidConfiguration } from "./errors";
import { parseOrThrow, s3UriSchema } from "./schemas";

/** Environment variable → config field, per docs/contracts.md. */
const ENV_FIELDS = {
  ATHENA_WORKGROUP: "workgroup",
  ATHENA_DATABASE: "database",
  ATHENA_OUTPUT_LOCATION: "outputLocation",
  SOURCE_TABLE: "sourceTable",
  DATASET_PREFIX: "datasetPrefix",
} as const;

type EnvName = keyof typeof ENV_FIELDS;

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/, "must be a SQL identifier ([schema.]table)");

export const queryConfigSchema = z.strictObject({
  workgroup: z.string().min(1),
  database: z.string().min(1),
  outputLocation: s3UriSchema,
  sourceTable: identifier,
});
export type QueryConfig = z.infer<typeof queryConfigSchema>;

export const snapshotConfigSchema = z.strictObject({
  datasetPrefix: s3UriSchema,
});
export type SnapshotConfig = z.infer<typeof snapshotConfigSchema>;

/** Validates a config object (the local runner's), throwing `InvalidConfiguration` naming bad fields. */
export function validateConfig<T>(schema: z.ZodType<T>, config: unknown): T {
  return parseOrThrow(
    schema,
    config,
    "config",
    (m) => new InvalidConfiguration(m),
    "Fix the handler config.",
  );
}

/** Reads the named environment variables into a config object and validates it. */
export function configFromEnv<T>(
  schema: z.ZodType<T>,
  names: readonly EnvName[],
  env: NodeJS.ProcessEnv = process.env,
): T {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) {
    throw new InvalidConfiguration(
      `Missing environment variable(s) ${missing.join(", ")}: set them on the Lambda function.`,
    );
  }
  const config = Object.fromEntries(names.map((name) => [ENV_FIELDS[name], env[name]]));
  const parsed = schema.safeParse(config);
  if (!parsed.success) {
    const byField = new Map<string, string>(names.map((name) => [ENV_FIELDS[name], name]));
    const message = parsed.error.issues
      .map((issue) => `${byField.get(String(issue.path[0])) ?? String(issue.path[0])}: ${issue.message}`)
      .join("; ");
    throw new InvalidConfiguration(`${message}. Fix the Lambda function's environment.`);
  }
  return parsed.data;
}

export function queryConfigFromEnv(env: NodeJS.ProcessEnv = process.env): QueryConfig {
  return configFromEnv(
    queryConfigSchema,
    ["ATHENA_WORKGROUP", "ATHENA_DATABASE", "ATHENA_OUTPUT_LOCATION", "SOURCE_TABLE"],
    env,
  );
}

export function snapshotConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SnapshotConfig {
  return configFromEnv(snapshotConfigSchema, ["DATASET_PREFIX"], env);
}
