// Seeded dropout masks drawn in JavaScript, so that training is deterministic for a seed whatever computes
// the gradients (either trainer, any backend, any number of threads). One array reused from batch to batch.
import { type Random, seededRandom } from "../core/random";

export class DropoutMasks {
  private readonly random: Random;
  private mask: Float32Array = new Float32Array(0);

  constructor(
    /** Dropout rate before the output layer (0 = none). */
    private readonly rate: number,
    /** Hidden dense units (D): the mask has D values per example. */
    private readonly units: number,
    seed: number,
  ) {
    this.random = seededRandom(seed);
  }

  /** The next batch's mask, D values per example of 0 or 1/(1-rate); null without dropout. */
  next(size: number): Float32Array | null {
    if (this.rate <= 0) return null;
    const length = size * this.units;
    if (this.mask.length < length) this.mask = new Float32Array(length);
    const kept = 1 / (1 - this.rate);
    for (let i = 0; i < length; i++) this.mask[i] = this.random() < this.rate ? 0 : kept;
    return this.mask.subarray(0, length);
  }
}
