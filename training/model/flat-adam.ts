// Adam over all parameters as one flat vector: one update of a few ops per batch instead of TF.js's
// optimizer, which runs about fourteen ops per variable (ten variables here) and allocates its scalars on
// every step. Same rule and constants as tf.train.adam (beta1 0.9, beta2 0.999, epsilon 1e-7, bias
// correction by 1 - beta^t); the bias corrections are computed in JavaScript once per step.
import * as tf from "@tensorflow/tfjs";

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;

export class FlatAdam {
  private readonly firstMoment: tf.Variable;
  private readonly secondMoment: tf.Variable;
  private readonly constants: tf.Scalar[];
  private steps = 0;

  constructor(
    /** The parameters as one vector; updated in place by `step`. */
    readonly values: tf.Variable,
    private readonly learningRate: number,
  ) {
    this.firstMoment = tf.variable(tf.zerosLike(values), false);
    this.secondMoment = tf.variable(tf.zerosLike(values), false);
    this.constants = [BETA1, 1 - BETA1, BETA2, 1 - BETA2, EPSILON].map((value) => tf.scalar(value));
  }

  /** One Adam step along `gradient` (same length as `values`). Call inside tf.tidy. */
  step(gradient: tf.Tensor1D): void {
    const [beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon] = this.constants as [
      tf.Scalar,
      tf.Scalar,
      tf.Scalar,
      tf.Scalar,
      tf.Scalar,
    ];
    this.steps++;
    const first = tf.add(tf.mul(this.firstMoment, beta1), tf.mul(gradient, oneMinusBeta1));
    const second = tf.add(tf.mul(this.secondMoment, beta2), tf.mul(tf.square(gradient), oneMinusBeta2));
    const correction1 = tf.scalar(-this.learningRate / (1 - BETA1 ** this.steps));
    const correction2 = tf.scalar(1 / (1 - BETA2 ** this.steps));
    const update = tf.div(tf.mul(first, correction1), tf.add(tf.sqrt(tf.mul(second, correction2)), epsilon));
    this.firstMoment.assign(first);
    this.secondMoment.assign(second);
    this.values.assign(tf.add(this.values, update));
  }

  dispose(): void {
    tf.dispose([this.firstMoment, this.secondMoment, ...this.constants]);
  }
}

/**
 * The same Adam rule over a plain Float32Array, for the WebAssembly kernel's trainer (gru-kernel-trainer.ts):
 * moments and values stored in float32 as the TF.js version stores them; each element's update is computed
 * in double precision and rounded once.
 */
export class ArrayAdam {
  private readonly firstMoment: Float32Array;
  private readonly secondMoment: Float32Array;
  private steps = 0;

  constructor(
    /** The parameters as one vector; updated in place by `step`. */
    readonly values: Float32Array,
    private readonly learningRate: number,
  ) {
    this.firstMoment = new Float32Array(values.length);
    this.secondMoment = new Float32Array(values.length);
  }

  /** One Adam step along `gradient` (same length as `values`). */
  step(gradient: Float32Array): void {
    this.steps++;
    const correction1 = -this.learningRate / (1 - BETA1 ** this.steps);
    const correction2 = 1 / (1 - BETA2 ** this.steps);
    const { values, firstMoment, secondMoment } = this;
    for (let i = 0; i < values.length; i++) {
      const g = gradient[i]!;
      firstMoment[i] = firstMoment[i]! * BETA1 + g * (1 - BETA1);
      secondMoment[i] = secondMoment[i]! * BETA2 + g * g * (1 - BETA2);
      const first = firstMoment[i]!;
      const second = secondMoment[i]!;
      values[i] = values[i]! + (first * correction1) / (Math.sqrt(second * correction2) + EPSILON);
    }
  }
}
