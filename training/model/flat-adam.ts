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
