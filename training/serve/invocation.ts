// What POST /invocations answers for one request body, computed the same way in the server's own thread and
// in an inference worker (inference-worker.ts): the body's JSON, the hand-written request check, the
// micro-batched forward pass, and the response text written straight from the probabilities. A bad body is
// a 400 naming the field, a full queue a 503; anything else is a fault of the server and is thrown.
import { HOURS_PER_DAY, leastExpectedErrorHour } from "../core/hours";
import { errorMessage } from "../runtime/errors";
import { QueueFullError } from "./micro-batcher";
import type { BatchedPredictor } from "./batched-predictor";
import type { ParsedRequest } from "./request";

export interface InvocationAnswer {
  status: number;
  /** The response body (JSON). */
  text: string;
}

export interface InvocationHandler {
  /** Instances waiting for a model call. */
  readonly queued: number;
  answer(body: Uint8Array): Promise<InvocationAnswer>;
  dispose(): void;
}

/**
 * Where the HTTP side (http-handler.ts) has request bodies answered: its own thread (thread-answerer.ts) or its
 * inference workers.
 */
export interface Answerer {
  /** The queue cannot take another request, whatever it holds (known only in the HTTP thread itself). */
  readonly saturated: boolean;
  /** The TensorFlow.js backend the model was loaded with (what /ping reports). */
  readonly backend: string;
  readonly historyLength: number;
  answer(body: Uint8Array): Promise<InvocationAnswer>;
  close(): Promise<void>;
}

const errorAnswer = (status: number, message: string): InvocationAnswer => ({
  status,
  text: JSON.stringify({ error: message }),
});

const decoder = new TextDecoder();

export function invocationHandler(
  predictor: BatchedPredictor,
  parse: (body: unknown) => ParsedRequest,
): InvocationHandler {
  /**
   * The body's probabilities under way, or its 400: the body's bytes read straight into model inputs, or,
   * for a body the reader gives up on, JSON.parse and the full check. The parsed JSON (~1 MB of objects for
   * 100 instances) is dropped here, before the wait for the model call, rather than held as a local of
   * `answer` across it: a collection of the young generation while the request waits need not copy it.
   */
  const start = (body: Uint8Array): Promise<Float32Array> | InvocationAnswer => {
    const probabilities = predictor.bodyProbabilities(body);
    if (probabilities !== undefined) return probabilities;
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(body));
    } catch (error) {
      return errorAnswer(400, `body: not valid JSON (${errorMessage(error)})`);
    }
    const parsed = parse(json);
    return parsed.ok ? predictor.probabilities(parsed.instances) : errorAnswer(400, parsed.error);
  };
  return {
    get queued() {
      return predictor.queued;
    },
    async answer(body) {
      try {
        const started = start(body);
        if (!(started instanceof Promise)) return started;
        return { status: 200, text: predictionsJson(await started) };
      } catch (error) {
        if (error instanceof QueueFullError) return errorAnswer(503, error.message);
        throw error;
      }
    },
    dispose: () => predictor.dispose(),
  };
}

const round4 = (value: number) => Math.round(value * 1e4) / 1e4;
// Imported bindings read once: in the CommonJS that tsx runs, every read of an import is a getter call, and
// these ran for each of the 24 numbers of every prediction (3 % of an inference worker's time).
const HOURS = HOURS_PER_DAY;
const bestHour = leastExpectedErrorHour;

/**
 * The JSON text of every probability rounded to 4 decimals, 0, 0.0001, ..., 1, by its count of 1e-4: the
 * response's 24 numbers per instance are looked up instead of printed (printing was most of the text's cost).
 */
const PROBABILITY_TEXT: readonly string[] = Array.from({ length: 10_001 }, (_, steps) =>
  JSON.stringify(steps / 1e4),
);

const probabilityText = (value: number) => {
  const steps = Math.round(value * 1e4);
  return steps >= 0 && steps <= 10_000 ? PROBABILITY_TEXT[steps]! : JSON.stringify(round4(value));
};

/**
 * `{"predictions": [{"hour", "expected_error_hours", "probabilities"}, ...]}` for rows of 24 probabilities,
 * rounded to 4 decimals: the text JSON.stringify gives for the same objects, without building them.
 */
export function predictionsJson(probabilities: Float32Array): string {
  let text = '{"predictions":[';
  for (let offset = 0; offset < probabilities.length; offset += HOURS) {
    const row = probabilities.subarray(offset, offset + HOURS);
    const { hour, expectedError } = bestHour(row);
    text += `${offset === 0 ? "" : ","}{"hour":${hour},"expected_error_hours":${JSON.stringify(round4(expectedError))},"probabilities":[`;
    for (let k = 0; k < HOURS; k++) text += `${k === 0 ? "" : ","}${probabilityText(row[k]!)}`;
    text += "]}";
  }
  return `${text}]}`;
}
