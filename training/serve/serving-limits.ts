// The serving limits and their defaults, apart from the server so that the container's commands can print
// them in --help without loading the server and TensorFlow.js.

/** The tunables of serving under load; each one is documented in training/README.md. */
export interface ServingLimits {
  /** @default 6 MiB, SageMaker's payload limit for real-time endpoints */
  maxBodyBytes: number;
  /** @default 1000 */
  maxInstances: number;
  /** Bytes of request bodies being read at once, past which a request is answered 503. @default 64 MiB */
  maxBufferedBytes: number;
  /** How long the first request of a batch waits for others (ms). @default 1 */
  windowMs: number;
  /** Instances per model call. @default 256 */
  maxBatch: number;
  /** Instances waiting for the model past which a request is answered 503. @default 2048 */
  maxQueued: number;
  /**
   * Requests being handled (read, checked, waiting or being answered) past which a new one is answered 503
   * before its body is read: under a crowd of connections, those beyond it get a quick 503 instead of
   * waiting seconds for their turn. @default 256
   */
  maxInFlight: number;
  /**
   * Connections one HTTP process holds (idle keep-alive ones included); past it, the accepting process answers
   * a new connection 503 with Retry-After and closes it, so that a crowd of connections cannot slow an HTTP
   * process's event loop (each turn answers every ready connection). Not bounded without HTTP processes.
   * @default 256
   */
  maxConnections: number;
  /** Time to receive a request's headers. @default 10 s */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (a slower client gets 408). @default 30 s */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open. @default 5 s */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_SERVING_LIMITS: ServingLimits = {
  maxBodyBytes: 6 * 1024 * 1024,
  maxInstances: 1000,
  maxBufferedBytes: 64 * 1024 * 1024,
  windowMs: 1,
  maxBatch: 256,
  maxQueued: 2048,
  maxInFlight: 256,
  maxConnections: 256,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
};

/** Checks that the limits fit together, naming the one that does not. */
export function checkServingLimits(limits: ServingLimits): void {
  for (const [key, value] of Object.entries(limits)) {
    const least = key === "windowMs" ? 0 : 1;
    if (!Number.isFinite(value) || value < least)
      throw new Error(`[${key}] must be a number >= ${least}, got ${value}`);
  }
  if (limits.maxInstances > limits.maxQueued)
    throw new Error(`[maxQueued] (${limits.maxQueued}) must be >= maxInstances (${limits.maxInstances})`);
  if (limits.maxBodyBytes > limits.maxBufferedBytes)
    throw new Error(
      `[maxBufferedBytes] (${limits.maxBufferedBytes}) must be >= maxBodyBytes (${limits.maxBodyBytes})`,
    );
  if (limits.headersTimeoutMs > limits.requestTimeoutMs)
    throw new Error(`[requestTimeoutMs] must be >= headersTimeoutMs (${limits.headersTimeoutMs})`);
}
