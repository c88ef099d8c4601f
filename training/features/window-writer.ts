// Writes one example's model inputs (its history window and its current features, normalised) into row b of
// an InputBatch, from a per-visit feature matrix: the batcher of training and evaluation data and the
// endpoint's request features both call writeExample, so the window logic exists once. Nothing here
// allocates per example: an epoch over millions of windows makes no garbage.
import type { DailyVisit } from "../data/daily-visits";
import type { InputBatch } from "../model/batch";
import {
  CURRENT_COLUMNS,
  dayOfMonthOnCircle,
  encodeVisit,
  STEP_COLUMNS,
  VISIT_WIDTH,
  weekdayOf,
  writeStepRelation,
} from "./features";
import type { Normalisation } from "./normalisation";

/** A user's (or many users') visits, one row each, oldest first within a user. */
export interface VisitMatrix {
  /** Raw target-independent step features, VISIT_WIDTH per visit: value (v, f) at v * VISIT_WIDTH + f. */
  features: Float32Array;
  /** Days since 1970-01-01. */
  days: Int32Array;
}

/** Normalisation as offsets and factors: value → (value - mean) * factor. */
export interface Scaling {
  stepMean: Float64Array;
  stepFactor: Float64Array;
  currentMean: Float64Array;
  currentFactor: Float64Array;
}

export function toScaling(normalisation: Normalisation): Scaling {
  const factors = (std: readonly number[]) => Float64Array.from(std, (value) => 1 / value);
  return {
    stepMean: Float64Array.from(normalisation.step.mean),
    stepFactor: factors(normalisation.step.std),
    currentMean: Float64Array.from(normalisation.current.mean),
    currentFactor: factors(normalisation.current.std),
  };
}

// Module constants copied once: an imported binding is a property read on every use in a hot loop.
const STEP_WIDTH = STEP_COLUMNS.length;
const CURRENT_WIDTH = CURRENT_COLUMNS.length;
const VISIT = VISIT_WIDTH;
const stepRelation = writeStepRelation;
const DAYS_SINCE_LAST = CURRENT_WIDTH - 1;
const relation = new Float64Array(STEP_WIDTH);

/**
 * Example b of `batch`: target day `targetDay`, history = visit rows [first, end) of `visits` (all before
 * the target day, oldest first, at least one), of which the last `batch.steps` are used; shorter histories
 * are zero-padded at the front, as buildFeatures does.
 */
export function writeExample(
  batch: InputBatch,
  b: number,
  visits: VisitMatrix,
  first: number,
  end: number,
  targetDay: number,
  scaling: Scaling,
): void {
  const { steps, size, sequence, current } = batch;
  const start = Math.max(first, end - steps);
  const padding = steps - (end - start);
  for (let t = 0; t < padding; t++) {
    const offset = (t * size + b) * STEP_WIDTH;
    sequence.fill(0, offset, offset + STEP_WIDTH);
  }
  const { stepMean, stepFactor } = scaling;
  const features = visits.features;
  for (let row = start, t = padding; row < end; row++, t++) {
    const out = (t * size + b) * STEP_WIDTH;
    const source = row * VISIT;
    for (let f = 0; f < VISIT; f++) {
      sequence[out + f] = (features[source + f]! - stepMean[f]!) * stepFactor[f]!;
    }
    stepRelation(relation, VISIT, visits.days[row]!, targetDay);
    for (let f = VISIT; f < STEP_WIDTH; f++) {
      sequence[out + f] = (relation[f]! - stepMean[f]!) * stepFactor[f]!;
    }
  }
  writeCurrent(current, b * CURRENT_WIDTH, targetDay, visits.days[end - 1]!, scaling);
}

function writeCurrent(
  current: Float32Array,
  offset: number,
  targetDay: number,
  lastVisitDay: number,
  scaling: Scaling,
): void {
  const { currentMean, currentFactor } = scaling;
  const weekday = weekdayOf(targetDay);
  for (let c = 0; c < 7; c++)
    current[offset + c] = ((c === weekday ? 1 : 0) - currentMean[c]!) * currentFactor[c]!;
  const [sin, cos] = dayOfMonthOnCircle(targetDay);
  current[offset + 7] = (sin - currentMean[7]!) * currentFactor[7]!;
  current[offset + 8] = (cos - currentMean[8]!) * currentFactor[8]!;
  current[offset + DAYS_SINCE_LAST] =
    (Math.log1p(targetDay - lastVisitDay) - currentMean[DAYS_SINCE_LAST]!) * currentFactor[DAYS_SINCE_LAST]!;
}

/** An empty batch of `size` rows (buffers sized for `size`). */
export function allocateInputBatch(size: number, steps: number): InputBatch {
  return {
    size,
    steps,
    stepWidth: STEP_WIDTH,
    currentWidth: CURRENT_WIDTH,
    sequence: new Float32Array(size * steps * STEP_WIDTH),
    current: new Float32Array(size * CURRENT_WIDTH),
  };
}

/** The visit matrix of one user's history (a serving request), computed with encodeVisit. */
export function visitMatrix(visits: readonly DailyVisit[]): VisitMatrix {
  const features = new Float32Array(visits.length * VISIT_WIDTH);
  visits.forEach((visit, row) => features.set(encodeVisit(visit), row * VISIT_WIDTH));
  return { features, days: Int32Array.from(visits, (visit) => visit.day) };
}
