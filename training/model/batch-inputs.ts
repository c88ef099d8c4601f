// An InputBatch in the forms the fused GRU multiplies: each step's [B, F] block with a constant-1 column
// (the folded bias), its transpose [F+1, T*B] for the input-weight gradients, and the current features with
// their 1-column and transpose. The arrays are reused from batch to batch (no per-batch allocation); the
// tensors made from them must be disposed before the next `write`.
import * as tf from "@tensorflow/tfjs";
import type { InputBatch } from "./batch";

function grown(array: Float32Array, length: number): Float32Array {
  return array.length >= length ? array : new Float32Array(length);
}

export class BatchInputs {
  size = 0;
  steps = 0;
  private stepWidth = 0;
  private currentWidth = 0;
  private stepRows: Float32Array = new Float32Array(0);
  private stepColumns: Float32Array = new Float32Array(0);
  private currentRows: Float32Array = new Float32Array(0);
  private currentColumns: Float32Array = new Float32Array(0);

  /** Copies the batch; `transposed` also fills the transposed forms (training only). */
  write(batch: InputBatch, transposed: boolean): void {
    const { size: b, steps: t, stepWidth: f, currentWidth: c } = batch;
    if (batch.sequence.length < t * b * f || batch.current.length < b * c) {
      throw new Error(
        `batch arrays too short for size ${b}: sequence ${batch.sequence.length} < ${t * b * f} or current ${batch.current.length} < ${b * c}`,
      );
    }
    Object.assign(this, { size: b, steps: t, stepWidth: f, currentWidth: c });
    const f1 = f + 1;
    const c1 = c + 1;
    this.stepRows = grown(this.stepRows, t * b * f1);
    this.currentRows = grown(this.currentRows, b * c1);
    const rows = t * b;
    for (let row = 0; row < rows; row++) {
      this.stepRows.set(batch.sequence.subarray(row * f, row * f + f), row * f1);
      this.stepRows[row * f1 + f] = 1;
    }
    for (let row = 0; row < b; row++) {
      this.currentRows.set(batch.current.subarray(row * c, row * c + c), row * c1);
      this.currentRows[row * c1 + c] = 1;
    }
    if (!transposed) return;
    this.stepColumns = grown(this.stepColumns, t * b * f1);
    this.currentColumns = grown(this.currentColumns, b * c1);
    for (let row = 0; row < rows; row++) {
      for (let k = 0; k < f1; k++) this.stepColumns[k * rows + row] = this.stepRows[row * f1 + k]!;
    }
    for (let row = 0; row < b; row++) {
      for (let k = 0; k < c1; k++) this.currentColumns[k * b + row] = this.currentRows[row * c1 + k]!;
    }
  }

  /** Step t's inputs with the 1-column: [B, F+1]. */
  step(t: number): tf.Tensor2D {
    const width = (this.stepWidth + 1) * this.size;
    return tf.tensor2d(this.stepRows.subarray(t * width, (t + 1) * width), [this.size, this.stepWidth + 1]);
  }

  /** All steps' inputs transposed: [F+1, T*B], column t*B + b. */
  stepsTransposed(): tf.Tensor2D {
    const rows = this.steps * this.size;
    return tf.tensor2d(this.stepColumns.subarray(0, (this.stepWidth + 1) * rows), [this.stepWidth + 1, rows]);
  }

  /** Current features with the 1-column: [B, C+1]. */
  current(): tf.Tensor2D {
    const c1 = this.currentWidth + 1;
    return tf.tensor2d(this.currentRows.subarray(0, this.size * c1), [this.size, c1]);
  }

  /** Current features transposed: [C+1, B]. */
  currentTransposed(): tf.Tensor2D {
    const c1 = this.currentWidth + 1;
    return tf.tensor2d(this.currentColumns.subarray(0, this.size * c1), [c1, this.size]);
  }
}
