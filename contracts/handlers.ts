// The pipeline's Lambda handlers, once: the key each has in the settings' `lambdas` (the ARN the
// definition invokes) and its name, which is its file `handlers/<name>.ts`, its bundle
// `dist/handlers/<name>/`, its deployed function `<stack prefix>-<name>` and its local stand-in's ARN.
export const PIPELINE_HANDLERS = {
  startQuery: "start-query",
  getQueryStatus: "get-query-status",
  snapshotDataset: "snapshot-dataset",
  qualityGate: "quality-gate",
  endpointStatus: "endpoint-status",
  championModel: "champion-model",
} as const;

export type HandlerKey = keyof typeof PIPELINE_HANDLERS;
export type HandlerName = (typeof PIPELINE_HANDLERS)[HandlerKey];

export const HANDLER_NAMES = Object.values(PIPELINE_HANDLERS) as readonly HandlerName[];

/** One value per handler, by its settings key (e.g. its function ARN, or the schema of that ARN). */
export function byHandler<T>(valueOf: (handler: HandlerName) => T): Record<HandlerKey, T> {
  const keys = Object.keys(PIPELINE_HANDLERS) as HandlerKey[];
  return Object.fromEntries(keys.map((key) => [key, valueOf(PIPELINE_HANDLERS[key])])) as Record<
    HandlerKey,
    T
  >;
}

/** Each handler's function ARN from `arnOf(handler name)`, by its settings key. */
export function handlerArns(arnOf: (handler: HandlerName) => string): Record<HandlerKey, string> {
  return byHandler(arnOf);
}
