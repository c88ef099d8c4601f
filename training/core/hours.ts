// Hour-of-day arithmetic on the 24-hour circle: the distance between 23 and 0 is 1, not 23.

export const HOURS_PER_DAY = 24;

/** Wraps any (possibly negative or fractional) hour onto [0, 24). */
export function wrapHour(hour: number): number {
  const wrapped = hour % HOURS_PER_DAY;
  return wrapped < 0 ? wrapped + HOURS_PER_DAY : wrapped;
}

/** Shortest distance in hours between two hours of the day, in [0, 12]. */
export function circularHourDistance(a: number, b: number): number {
  const diff = wrapHour(a - b);
  return Math.min(diff, HOURS_PER_DAY - diff);
}

/** The hour as a point on the unit circle, so that 23 and 0 are close in feature space. */
export function hourToSinCos(hour: number): [number, number] {
  const angle = (2 * Math.PI * hour) / HOURS_PER_DAY;
  return [Math.sin(angle), Math.cos(angle)];
}

/** circularHourDistance(h, k) of whole hours at h * 24 + k: decoding looks them up (576 per prediction). */
const WHOLE_HOUR_DISTANCES = Float64Array.from({ length: HOURS_PER_DAY * HOURS_PER_DAY }, (_, i) =>
  circularHourDistance(Math.floor(i / HOURS_PER_DAY), i % HOURS_PER_DAY),
);

/**
 * The whole hour h minimising the expected circular error sum_k p_k * d(h, k) under a distribution over
 * the 24 hours. This is the decoding of the classifier's softmax; ties go to the smaller hour.
 */
export function leastExpectedErrorHour(probabilities: ArrayLike<number>): {
  hour: number;
  expectedError: number;
} {
  if (probabilities.length !== HOURS_PER_DAY) {
    throw new Error(`expected ${HOURS_PER_DAY} hour probabilities, got ${probabilities.length}`);
  }
  let best = { hour: 0, expectedError: Number.POSITIVE_INFINITY };
  for (let hour = 0; hour < HOURS_PER_DAY; hour++) {
    let expected = 0;
    const distances = hour * HOURS_PER_DAY;
    for (let k = 0; k < HOURS_PER_DAY; k++)
      expected += (probabilities[k] ?? 0) * WHOLE_HOUR_DISTANCES[distances + k]!;
    if (expected < best.expectedError - 1e-12) best = { hour, expectedError: expected };
  }
  return best;
}

/** Circular median of whole hours: the hour minimising the summed circular distance (ties: smaller hour). */
export function circularMedianHour(hours: readonly number[]): number {
  if (hours.length === 0) throw new Error("circular median of an empty list");
  const counts = new Array<number>(HOURS_PER_DAY).fill(0);
  for (const hour of hours) {
    const bucket = Math.round(wrapHour(hour)) % HOURS_PER_DAY;
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return leastExpectedErrorHour(counts).hour;
}

/** Soft label: a wrapped Gaussian over the 24 hours centred on `hour` (sigma 0 gives one-hot). */
export function softHourLabel(hour: number, sigmaHours: number): number[] {
  const label = new Array<number>(HOURS_PER_DAY).fill(0);
  // Below a few minutes the Gaussian underflows to zero everywhere but the centre: use one-hot.
  if (sigmaHours < 0.05) {
    label[Math.round(wrapHour(hour)) % HOURS_PER_DAY] = 1;
    return label;
  }
  let total = 0;
  for (let k = 0; k < HOURS_PER_DAY; k++) {
    const d = circularHourDistance(hour, k);
    const weight = Math.exp(-(d * d) / (2 * sigmaHours * sigmaHours));
    label[k] = weight;
    total += weight;
  }
  return label.map((weight) => weight / total);
}

export interface ErrorMetrics {
  /** Mean circular absolute error, hours. */
  mae: number;
  /** Root mean squared circular error, hours. */
  rmse: number;
}

export function circularErrorMetrics(predicted: readonly number[], actual: readonly number[]): ErrorMetrics {
  if (predicted.length !== actual.length || actual.length === 0) {
    throw new Error(
      `need equally many predictions and targets (got ${predicted.length} and ${actual.length})`,
    );
  }
  let absolute = 0;
  let squared = 0;
  actual.forEach((hour, i) => {
    const error = circularHourDistance(predicted[i] ?? Number.NaN, hour);
    absolute += error;
    squared += error * error;
  });
  return { mae: absolute / actual.length, rmse: Math.sqrt(squared / actual.length) };
}
