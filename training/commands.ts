// The four container entry points as commands: flags (defaults from the SageMaker paths) and --help.
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { HYPERPARAMETER_DOCS } from "../contracts/hyperparameters";
import { MAX_TRAINING_THREADS } from "./model/training-threads";
import { DEFAULT_PREPROCESS_OPTIONS, preprocess } from "./preprocess/preprocess";
import { type Command, parseIntegerOption, parseNumberOption } from "./runtime/entry";
import { log } from "./runtime/log";
import { type ContainerPaths } from "./runtime/paths";
import { DEFAULT_SERVING_LIMITS } from "./serve/serving-limits";

const ENV_HELP = `
Environment:
  VT_ML_ROOT              root of the SageMaker paths (default /opt/ml)
  VT_TF_BACKEND           force a TensorFlow.js backend: node, wasm or cpu (default: first that loads)
On failure the reason is written to $VT_ML_ROOT/output/failure and the exit code is 1.`;

const preprocessOptions = {
  input: { type: "string" },
  output: { type: "string" },
  "history-length": { type: "string" },
  "min-history": { type: "string" },
  "validation-fraction": { type: "string" },
  "test-fraction": { type: "string" },
} as const;

const trainOptions = {
  data: { type: "string" },
  hyperparameters: { type: "string" },
  "model-dir": { type: "string" },
} as const;

const evaluateOptions = {
  model: { type: "string" },
  champion: { type: "string" },
  "champion-name": { type: "string" },
  data: { type: "string" },
  output: { type: "string" },
} as const;

const serveOptions = {
  "model-dir": { type: "string" },
  port: { type: "string" },
  "window-ms": { type: "string" },
  workers: { type: "string" },
  "max-batch": { type: "string" },
  "max-queued": { type: "string" },
  "max-in-flight": { type: "string" },
  "http-processes": { type: "string" },
  "max-connections": { type: "string" },
} as const;

export interface Commands {
  preprocess: Command<typeof preprocessOptions>;
  train: Command<typeof trainOptions>;
  evaluate: Command<typeof evaluateOptions>;
  serve: Command<typeof serveOptions>;
}

export type EntryName = keyof Commands;
export const ENTRY_NAMES: readonly EntryName[] = ["preprocess", "train", "evaluate", "serve"];

export function buildCommands(
  paths: ContainerPaths,
  env: Readonly<Record<string, string | undefined>>,
): Commands {
  const d = DEFAULT_PREPROCESS_OPTIONS;
  return {
    preprocess: {
      name: "preprocess",
      options: preprocessOptions,
      help: `
Usage: main preprocess [options]

Daily visits (CSV, the source SQL's result) → checked in DuckDB → per-visit features (sql/visit-features.sql)
stored once per visit, plus an example index per split (time-based: train < validation < test, latest);
normalisation fitted on the train windows.

  --input PATH                 CSV file or directory of .csv (default ${paths.preprocessInput})
  --output DIR                 output directory (default ${paths.preprocessOutput})
  --history-length K           visits in the sequence (default ${d.historyLength})
  --min-history N              visits needed before a day to use it as an example (default ${d.minHistory})
  --validation-fraction F      share of the days for validation (default ${d.validationFraction})
  --test-fraction F            share of the days, the latest, for test (default ${d.testFraction})
Writes dataset.json with visit-features.f32, visit-days.i32 and <split>-{rows,firsts,targets,baselines}
files, normalisation.json, report.json.
${ENV_HELP}`,
      async run(values) {
        await preprocess({
          input: values.input ?? paths.preprocessInput,
          output: values.output ?? paths.preprocessOutput,
          historyLength: parseIntegerOption(
            "history-length",
            values["history-length"],
            d.historyLength,
            1,
            365,
          ),
          minHistory: parseIntegerOption("min-history", values["min-history"], d.minHistory, 1, 365),
          validationFraction: parseNumberOption(
            "validation-fraction",
            values["validation-fraction"],
            d.validationFraction,
            0.01,
            0.5,
          ),
          testFraction: parseNumberOption(
            "test-fraction",
            values["test-fraction"],
            d.testFraction,
            0.01,
            0.5,
          ),
        });
      },
    },
    train: {
      name: "train",
      options: trainOptions,
      help: `
Usage: main train [options]

Trains the GRU on the preprocess output with early stopping on validation loss; writes the TF.js model,
normalisation.json and metadata.json to the model directory. Prints one JSON metric line per epoch.

  --data DIR             preprocess output (default ${paths.trainingChannel})
  --hyperparameters F    hyperparameters.json, all values strings (default ${paths.hyperparameters})
  --model-dir DIR        output model directory (default ${paths.modelDir})
Hyperparameters (name, default):
${HYPERPARAMETER_DOCS.map((h) => `  ${h.name.padEnd(20)} ${h.default.padEnd(7)} ${h.description}`).join("\n")}
${ENV_HELP}
  VT_TRAIN_KERNEL         what computes the gradients: wasm (default; the WebAssembly kernel, any backend) or
                          tfjs (the fused GRU in TF.js ops on the chosen backend)
  VT_TRAIN_THREADS        threads sharing each batch's gradient, 1 to ${MAX_TRAINING_THREADS} (default 2; 1 for
                          the tfjs kernel on tfjs-node); the same seed and settings train the same model`,
      async run(values) {
        // Each entry loads its own modules: preprocess never pays for TensorFlow.js's start-up.
        const { train } = await import("./train/train.js");
        await train({
          data: values.data ?? paths.trainingChannel,
          hyperparametersFile: values.hyperparameters ?? paths.hyperparameters,
          modelDir: values["model-dir"] ?? paths.modelDir,
          threads: env["VT_TRAIN_THREADS"],
          kernel: env["VT_TRAIN_KERNEL"],
        });
      },
    },
    evaluate: {
      name: "evaluate",
      options: evaluateOptions,
      help: `
Usage: main evaluate [options]

Evaluates the model on the test split: circular MAE and RMSE (hours) of the model and of the baselines
last_visit_first_hour, user_median_first_hour, same_weekday_last_seen, and of the champion (the model the
endpoint serves) when one is given, on the same examples; writes evaluation.json.

  --model PATH          model.tar.gz or model directory (default ${paths.evaluateModelArchive})
  --champion PATH       the champion's model.tar.gz or directory (default ${paths.evaluateChampionArchive},
                        scored only if it exists)
  --champion-name NAME  the champion's model name (default $CHAMPION_MODEL_NAME)
  --data DIR            preprocess output (default ${paths.evaluateData})
  --output DIR          where evaluation.json goes (default ${paths.evaluationDir})
${ENV_HELP}
  CHAMPION_MODEL_NAME     the champion's model name, set by the pipeline's Evaluate job`,
      async run(values) {
        const { championOption, evaluate } = await import("./evaluate/evaluate.js");
        const champion = championOption(
          values.champion ?? paths.evaluateChampionArchive,
          values["champion-name"] ?? env["CHAMPION_MODEL_NAME"],
          values.champion !== undefined,
        );
        await evaluate({
          model: values.model ?? paths.evaluateModelArchive,
          ...(champion ? { champion } : {}),
          data: values.data ?? paths.evaluateData,
          output: values.output ?? paths.evaluationDir,
        });
      },
    },
    serve: {
      name: "serve",
      options: serveOptions,
      help: `
Usage: main serve [options]

Serves the model: GET /ping, POST /invocations {"instances": [{"date", "history": [<daily visits>]}]}.
Stops gracefully on SIGTERM or SIGINT.

  --model-dir DIR   the model directory (default ${paths.modelDir})
  --port N          port (default $SAGEMAKER_BIND_TO_PORT or 8080)
  --http-processes N  processes serving HTTP, each with its own inference workers, while this process only
                    accepts connections; 0 serves HTTP in this process (default $VT_SERVE_HTTP_PROCESSES or 1)
  --workers N       inference worker threads answering requests, per HTTP process, each with its own batching
                    and queue; 0 answers in the HTTP thread (default $VT_SERVE_WORKERS or the machine's cores, ${availableParallelism()})
  --window-ms MS    how long the first request of a batch waits for others (default $VT_SERVE_WINDOW_MS or ${DEFAULT_SERVING_LIMITS.windowMs})
  --max-batch N     instances per model call (default $VT_SERVE_MAX_BATCH or ${DEFAULT_SERVING_LIMITS.maxBatch})
  --max-queued N    instances waiting for the model, per worker, before 503 (default $VT_SERVE_MAX_QUEUED or ${DEFAULT_SERVING_LIMITS.maxQueued})
  --max-in-flight N requests being handled before 503 (default $VT_SERVE_MAX_IN_FLIGHT or ${DEFAULT_SERVING_LIMITS.maxInFlight})
  --max-connections N  connections per HTTP process; past them a new one is answered 503 (/ping: 200) and
                    closed (default $VT_SERVE_MAX_CONNECTIONS or ${DEFAULT_SERVING_LIMITS.maxConnections})
${ENV_HELP}
  SAGEMAKER_BIND_TO_PORT  port when --port is not given (default 8080)
  VT_SERVE_HTTP_PROCESSES, VT_SERVE_WORKERS, VT_SERVE_WINDOW_MS, VT_SERVE_MAX_BATCH, VT_SERVE_MAX_QUEUED,
  VT_SERVE_MAX_IN_FLIGHT, VT_SERVE_MAX_CONNECTIONS
                    the flags above (SageMaker: the model's Environment)`,
      async run(values) {
        const port = parseIntegerOption("port", values.port ?? env["SAGEMAKER_BIND_TO_PORT"], 8080, 0, 65535);
        const limits = DEFAULT_SERVING_LIMITS;
        const { startServer } = await import("./serve/server.js");
        const server = await startServer({
          modelDir: values["model-dir"] ?? join(paths.modelDir),
          port,
          httpProcesses: parseIntegerOption(
            "http-processes",
            values["http-processes"] ?? env["VT_SERVE_HTTP_PROCESSES"],
            1,
            0,
            64,
          ),
          workers: parseIntegerOption(
            "workers",
            values.workers ?? env["VT_SERVE_WORKERS"],
            availableParallelism(),
            0,
            256,
          ),
          windowMs: parseNumberOption(
            "window-ms",
            values["window-ms"] ?? env["VT_SERVE_WINDOW_MS"],
            limits.windowMs,
            0,
            1000,
          ),
          maxBatch: parseIntegerOption(
            "max-batch",
            values["max-batch"] ?? env["VT_SERVE_MAX_BATCH"],
            limits.maxBatch,
            1,
            65_536,
          ),
          maxQueued: parseIntegerOption(
            "max-queued",
            values["max-queued"] ?? env["VT_SERVE_MAX_QUEUED"],
            limits.maxQueued,
            limits.maxInstances,
            1_000_000,
          ),
          maxInFlight: parseIntegerOption(
            "max-in-flight",
            values["max-in-flight"] ?? env["VT_SERVE_MAX_IN_FLIGHT"],
            limits.maxInFlight,
            1,
            1_000_000,
          ),
          maxConnections: parseIntegerOption(
            "max-connections",
            values["max-connections"] ?? env["VT_SERVE_MAX_CONNECTIONS"],
            limits.maxConnections,
            1,
            1_000_000,
          ),
        });
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            log("info", "shutting down", { signal });
            void server.close().then(resolve);
          };
          process.once("SIGTERM", () => stop("SIGTERM"));
          process.once("SIGINT", () => stop("SIGINT"));
        });
      },
    },
  };
}
