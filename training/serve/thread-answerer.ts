// Request bodies answered in the HTTP thread itself (a server with no inference workers, and the unbatched
// baseline of `npm run bench:serve`). Loaded only then: it brings TensorFlow.js into the thread, which a
// server with inference workers keeps out of it (model-spec.ts says why).
import { initBackend } from "../model/backend";
import { type Answerer, invocationHandler } from "./invocation";
import { loadPredictor } from "./predictor";
import { invocationParser } from "./request";
import { requestChecker } from "./request-check";
import type { ServingLimits } from "./serving-limits";

export async function startThreadAnswerer(
  modelDir: string,
  limits: ServingLimits,
  unbatched: boolean,
): Promise<Answerer> {
  const backend = await initBackend();
  const predictor = await loadPredictor(modelDir, { ...limits, unbatched });
  // The hand-written check on the served path; zod's schema (the contract's reference) for the baseline.
  const parse = unbatched ? invocationParser(limits.maxInstances) : requestChecker(limits.maxInstances);
  const handler = invocationHandler(predictor, parse);
  return {
    get saturated() {
      return handler.queued >= limits.maxQueued;
    },
    backend,
    historyLength: predictor.historyLength,
    answer: (body) => handler.answer(body),
    close: async () => handler.dispose(),
  };
}
