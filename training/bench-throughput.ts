// The GRU training throughput of `npm run bench:training`: our fused model (forward, hand-written backward,
// Adam) against the PyTorch peer bench/peers/torch_gru.py on the same shapes, batch size and number of
// examples, on random data, one after the other in the same invocation.
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { normal, seededRandom } from "./core/random";
import { HOURS_PER_DAY } from "./core/hours";
import { CURRENT_COLUMNS, STEP_COLUMNS } from "./features/features";
import { parseHyperparameters } from "../contracts/hyperparameters";
import { initBackend } from "./model/backend";
import type { TrainingBatch } from "./model/batch";
import { startTraining } from "./train/fit";

export interface ThroughputShape {
  name: string;
  units: number;
  denseUnits: number;
  batchSize: number;
  steps: number;
}

export const THROUGHPUT_SHAPES: ThroughputShape[] = [
  { name: "fixed (GRU 64, dense 64, batch 256)", units: 64, denseUnits: 64, batchSize: 256, steps: 14 },
  { name: "defaults (GRU 32, dense 32, batch 512)", units: 32, denseUnits: 32, batchSize: 512, steps: 14 },
];

function randomBatches(shape: ThroughputShape, count: number, seed: number): TrainingBatch[] {
  const random = seededRandom(seed);
  const { batchSize: b, steps: t } = shape;
  return Array.from({ length: count }, () => {
    const labels = new Float32Array(b * HOURS_PER_DAY);
    for (let i = 0; i < b; i++) labels[i * HOURS_PER_DAY + Math.floor(random() * HOURS_PER_DAY)] = 1;
    return {
      size: b,
      steps: t,
      stepWidth: STEP_COLUMNS.length,
      currentWidth: CURRENT_COLUMNS.length,
      sequence: Float32Array.from({ length: t * b * STEP_COLUMNS.length }, () => normal(random)),
      current: Float32Array.from({ length: b * CURRENT_COLUMNS.length }, () => normal(random)),
      labels,
    };
  });
}

/** Our training samples/s: `examples` (rounded down to whole batches) after two warm-up batches. */
export async function measureOurs(shape: ThroughputShape, examples: number): Promise<number> {
  await initBackend();
  const hp = parseHyperparameters({
    gru_units: String(shape.units),
    dense_units: String(shape.denseUnits),
    batch_size: String(shape.batchSize),
  });
  const { model, trainer } = startTraining(
    { steps: shape.steps, stepWidth: STEP_COLUMNS.length, currentWidth: CURRENT_COLUMNS.length },
    hp,
  );
  const batches = randomBatches(shape, Math.max(1, Math.floor(examples / shape.batchSize)), 1);
  try {
    for (const batch of batches.slice(0, 2)) trainer.step(batch);
    trainer.takeMeanLoss();
    const started = performance.now();
    for (const batch of batches) trainer.step(batch);
    trainer.takeMeanLoss();
    return Math.round((batches.length * shape.batchSize) / ((performance.now() - started) / 1000));
  } finally {
    trainer.dispose();
    model.dispose();
  }
}

/** The PyTorch peer's samples/s (all cores), from its JSON line. */
export function measureTorch(
  shape: ThroughputShape,
  examples: number,
): { samplesPerSecond: number; threads: number } {
  const python = process.env["VT_PYTHON"] ?? "/usr/bin/python3";
  const script = join(__dirname, "..", "bench", "peers", "torch_gru.py");
  const output = execFileSync(
    python,
    [
      script,
      `--units=${shape.units}`,
      `--dense-units=${shape.denseUnits}`,
      `--batch-size=${shape.batchSize}`,
      `--steps=${shape.steps}`,
      `--step-width=${STEP_COLUMNS.length}`,
      `--current-width=${CURRENT_COLUMNS.length}`,
      `--examples=${examples}`,
    ],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
  const result = JSON.parse(output.trim().split("\n").at(-1) ?? "{}") as {
    samples_per_sec?: number;
    threads?: number;
  };
  if (typeof result.samples_per_sec !== "number") {
    throw new Error(`${script} printed no samples_per_sec: ${output}`);
  }
  return { samplesPerSecond: result.samples_per_sec, threads: result.threads ?? 0 };
}

/** Lines comparing ours with PyTorch for each shape. */
export async function throughputReport(examples: number): Promise<string[]> {
  const lines = [`GRU training throughput (14 steps, ${examples} random examples per measurement):`];
  for (const shape of THROUGHPUT_SHAPES) {
    const ours = await measureOurs(shape, examples);
    const torch = measureTorch(shape, examples);
    lines.push(
      `  ${shape.name.padEnd(40)} ours ${String(ours).padStart(7)} samples/s   ` +
        `PyTorch (${torch.threads} threads) ${String(torch.samplesPerSecond).padStart(7)} samples/s   ` +
        `ratio ${(ours / torch.samplesPerSecond).toFixed(2)}`,
    );
  }
  return lines;
}
