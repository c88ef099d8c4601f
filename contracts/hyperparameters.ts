// Training hyperparameters: the trainer parses them, the stack config and the local CLI validate overrides
// against them. SageMaker writes hyperparameters.json with every value a string. A contract: no imports.

interface HyperparameterSpec {
  default: string;
  description: string;
  kind: "integer" | "number";
  min: number;
  max: number;
}

const SPECS = {
  epochs: { default: "12", description: "maximum training epochs", kind: "integer", min: 1, max: 1000 },
  batch_size: {
    default: "512",
    description: "examples per gradient step",
    kind: "integer",
    min: 1,
    max: 65536,
  },
  learning_rate: { default: "0.008", description: "Adam learning rate", kind: "number", min: 1e-6, max: 1 },
  gru_units: { default: "32", description: "units of the GRU layer", kind: "integer", min: 1, max: 1024 },
  dense_units: {
    default: "32",
    description: "units of the hidden dense layer",
    kind: "integer",
    min: 1,
    max: 1024,
  },
  dropout: {
    default: "0.1",
    description: "dropout before the output layer",
    kind: "number",
    min: 0,
    max: 0.9,
  },
  patience: {
    default: "3",
    description: "epochs without validation-loss improvement before early stopping",
    kind: "integer",
    min: 1,
    max: 1000,
  },
  label_sigma_hours: {
    default: "1",
    description: "width of the wrapped-Gaussian soft label around the true hour (0 = one-hot)",
    kind: "number",
    min: 0,
    max: 6,
  },
  seed: {
    default: "42",
    description: "seed of weight initialisation and shuffling",
    kind: "integer",
    min: 0,
    max: 2 ** 31 - 1,
  },
  cv_folds: {
    default: "0",
    description: "rolling-origin cross-validation folds over the training period (0 = off)",
    kind: "integer",
    min: 0,
    max: 20,
  },
} satisfies Record<string, HyperparameterSpec>;

export type HyperparameterName = keyof typeof SPECS;

export interface Hyperparameters {
  epochs: number;
  batchSize: number;
  learningRate: number;
  gruUnits: number;
  denseUnits: number;
  dropout: number;
  patience: number;
  labelSigmaHours: number;
  seed: number;
  cvFolds: number;
}

const FIELD: Record<HyperparameterName, keyof Hyperparameters> = {
  epochs: "epochs",
  batch_size: "batchSize",
  learning_rate: "learningRate",
  gru_units: "gruUnits",
  dense_units: "denseUnits",
  dropout: "dropout",
  patience: "patience",
  label_sigma_hours: "labelSigmaHours",
  seed: "seed",
  cv_folds: "cvFolds",
};

const NAMES = Object.keys(SPECS) as HyperparameterName[];

/** The defaults in SageMaker's form (all strings), e.g. for a training job's HyperParameters. */
export const DEFAULT_HYPERPARAMETERS: Record<string, string> = Object.fromEntries(
  NAMES.map((name) => [name, SPECS[name].default]),
);

/** Name, default and meaning of each hyperparameter (for --help and the README). */
export const HYPERPARAMETER_DOCS: { name: string; default: string; description: string }[] = NAMES.map(
  (name) => ({
    name,
    default: SPECS[name].default,
    description: SPECS[name].description,
  }),
);

function parseValue(name: HyperparameterName, value: unknown): number {
  const spec: HyperparameterSpec = SPECS[name];
  if (typeof value !== "string" && typeof value !== "number") {
    throw new Error(
      `hyperparameter "${name}" must be a string (SageMaker passes strings), got ${typeof value}`,
    );
  }
  const text = String(value).trim();
  const number = text === "" ? Number.NaN : Number(text);
  const wanted = `${spec.kind === "integer" ? "an integer" : "a number"} in [${spec.min}, ${spec.max}]`;
  if (!Number.isFinite(number) || (spec.kind === "integer" && !Number.isInteger(number))) {
    throw new Error(`hyperparameter "${name}" must be ${wanted}, got "${text}"`);
  }
  if (number < spec.min || number > spec.max) {
    throw new Error(`hyperparameter "${name}" must be ${wanted}, got ${text}`);
  }
  return number;
}

/**
 * Parses the content of hyperparameters.json. Missing keys take their default; an unknown key (other than
 * SageMaker's own `sagemaker_*` keys) or a bad value throws an error that names the key.
 */
export function parseHyperparameters(raw: unknown): Hyperparameters {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error("hyperparameters must be a JSON object of string values");
  }
  const given = raw as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in SPECS) && !key.startsWith("sagemaker_")) {
      throw new Error(`unknown hyperparameter "${key}"; known: ${NAMES.join(", ")}`);
    }
  }
  const result = {} as Hyperparameters;
  for (const name of NAMES) {
    result[FIELD[name]] = parseValue(name, given[name] ?? SPECS[name].default);
  }
  return result;
}
