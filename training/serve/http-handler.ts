// The HTTP side of the inference server: GET /ping, POST /invocations (batches of instances), 400 errors
// naming the field, 413 for oversized bodies, 415 for other content types, 503 with Retry-After past the
// server's bounds, timeouts on slow clients, and a graceful close. It runs either in the process that
// listens (no HTTP processes) or in an HTTP process (http-process.ts) that is handed the connections the
// accepting process takes (connection-front.ts). Request bodies are answered by its inference workers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { availableParallelism } from "node:os";
import { errorMessage } from "../runtime/errors";
import { log } from "../runtime/log";
import { startInferencePool } from "./inference-pool";
import type { Answerer } from "./invocation";
import { QueueFullError, queueFullMessage } from "./micro-batcher";
import { readModelSpecInWorker } from "./model-spec";
import { checkServingLimits, DEFAULT_SERVING_LIMITS, type ServingLimits } from "./serving-limits";

/** Seconds a shed client is asked to wait (the queue drains in well under that). */
const RETRY_AFTER_SECONDS = 1;

/** What the HTTP side needs; plain data, so that an HTTP process can be given it as JSON. */
export interface HandlerOptions extends Partial<ServingLimits> {
  /** The model directory (model.tar.gz extracted). */
  modelDir: string;
  /**
   * Inference worker threads that answer request bodies (parse, check, features, forward pass, response
   * text), each with its own micro-batcher; 0 answers them in the HTTP thread itself.
   * @default the machine's available parallelism
   */
  workers?: number;
  /** See PredictorOptions.unbatched (the benchmark's baseline; always in the HTTP thread). @default false */
  unbatched?: boolean;
}

export interface HttpHandler {
  /** Listens, or is handed connections with `server.emit("connection", socket)` (see acceptHandedSockets). */
  readonly server: Server;
  readonly backend: string;
  readonly historyLength: number;
  /** The inference worker threads (0: answered in this thread). */
  readonly workers: number;
  readonly limits: ServingLimits;
  /** No new requests; those in flight finish (or are dropped with their gone clients); workers stop. */
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  sendText(response, status, JSON.stringify(body));
}

/** 503 with Retry-After. */
function shed(response: ServerResponse, message: string): void {
  response.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
  send(response, 503, { error: message });
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

/** The limits of `options` over the defaults, checked. */
export function servingLimitsOf(options: Partial<ServingLimits>): ServingLimits {
  const limits: ServingLimits = { ...DEFAULT_SERVING_LIMITS };
  for (const key of Object.keys(limits) as (keyof ServingLimits)[]) {
    const value = options[key];
    if (value !== undefined) limits[key] = value;
  }
  checkServingLimits(limits);
  return limits;
}

/** The inference worker threads `options` ask for, checked. */
export function workersOf(options: HandlerOptions): number {
  const workers = options.unbatched === true ? 0 : (options.workers ?? availableParallelism());
  if (!Number.isInteger(workers) || workers < 0)
    throw new Error(`[workers] must be a whole number >= 0, got ${workers}`);
  return workers;
}

async function startAnswerer(options: HandlerOptions, limits: ServingLimits): Promise<Answerer> {
  const workers = workersOf(options);
  if (workers === 0) {
    // Loaded only here: it brings TensorFlow.js into this thread.
    const { startThreadAnswerer } = await import("./thread-answerer.js");
    return startThreadAnswerer(options.modelDir, limits, options.unbatched ?? false);
  }
  const { backend, spec } = await readModelSpecInWorker(options.modelDir);
  const pool = await startInferencePool(
    { spec, batching: limits, maxInstances: limits.maxInstances },
    workers,
  );
  return {
    saturated: false,
    backend,
    historyLength: spec.historyLength,
    answer: (body) => pool.answer(body),
    close: () => pool.close(),
  };
}

/** Loads the model (into the inference workers) and builds the HTTP server; it neither listens nor accepts. */
export async function startHttpHandler(options: HandlerOptions): Promise<HttpHandler> {
  const limits = servingLimitsOf(options);
  const workers = workersOf(options);
  const answerer = await startAnswerer(options, limits);
  const { backend } = answerer;
  let bufferedBytes = 0;
  let inFlight = 0;
  let whenIdle: (() => void) | undefined;

  /** Reads the body within the size limit and the server's budget of bytes being read at once. */
  function readBody(request: IncomingMessage): Promise<Buffer> {
    const limit = limits.maxBodyBytes;
    const declared = Number(request.headers["content-length"] ?? "0");
    if (declared > limit) return Promise.reject(new HttpError(413, `body: larger than ${limit} bytes`));
    if (bufferedBytes + declared > limits.maxBufferedBytes) {
      return Promise.reject(
        new HttpError(503, "the server is reading too many request bodies: retry shortly"),
      );
    }
    // The declared length is reserved up front; a chunked body is counted as it arrives.
    let reserved = declared;
    bufferedBytes += reserved;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const fail = (error: HttpError) => {
        request.removeAllListeners("data");
        reject(error);
      };
      request.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > reserved) {
          bufferedBytes += size - reserved;
          reserved = size;
        }
        if (size > limit) fail(new HttpError(413, `body: larger than ${limit} bytes`));
        else if (bufferedBytes > limits.maxBufferedBytes)
          fail(new HttpError(503, "the server is reading too many request bodies: retry shortly"));
        else chunks.push(chunk);
      });
      let ended = false;
      request.on("end", () => {
        ended = true;
        resolve(Buffer.concat(chunks));
      });
      // A client gone before its body arrived (closed, or timed out by the server): nothing to answer. Every
      // request closes once answered: no Error (its stack is costly) is built then.
      const gone = () => {
        if (!ended) reject(new HttpError(400, "body: the client closed the connection"));
      };
      request.on("error", gone);
      request.on("close", gone);
    }).finally(() => {
      bufferedBytes -= reserved;
    });
  }

  async function invocations(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const type = request.headers["content-type"];
    if (type === undefined || !/^application\/json\s*(;|$)/i.test(type)) {
      throw new HttpError(
        415,
        `content-type: must be application/json, got ${type === undefined ? "none" : `"${type}"`}`,
      );
    }
    // Shed before reading: a full queue cannot take this request whatever it holds. Answered here rather
    // than thrown: under a crowd most requests take this path, and building an Error (its stack) cost the
    // server's thread more than the rest of the 503 (8 % of its time in a 1,000-connection run).
    if (answerer.saturated) return shed(response, queueFullMessage(limits.maxQueued));
    if (inFlight >= limits.maxInFlight) {
      return shed(response, `the server is at capacity (${inFlight} requests in progress): retry shortly`);
    }
    inFlight++;
    try {
      await answerInvocation(request, response);
    } finally {
      inFlight--;
      if (inFlight === 0) whenIdle?.();
    }
  }

  /** Resolves once no invocation is in progress (those of clients already gone included). */
  const idle = () =>
    inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (whenIdle = resolve));

  async function answerInvocation(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const { status, text } = await answerer.answer(await readBody(request));
    if (status === 503) response.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
    sendText(response, status, text);
  }

  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      // How often the timeouts above are checked (Node's default, 30 s, would let them run far over).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    (request, response) => {
      const path = (request.url ?? "/").split("?")[0];
      const route = `${request.method ?? "GET"} ${path}`;
      const handle = async () => {
        switch (route) {
          case "GET /ping":
            return send(response, 200, { status: "healthy", backend });
          case "POST /invocations":
            return invocations(request, response);
          default:
            if (path === "/ping" || path === "/invocations")
              throw new HttpError(405, `method ${request.method} not allowed`);
            throw new HttpError(404, `no route ${path}: use GET /ping or POST /invocations`);
        }
      };
      handle().catch((error: unknown) => {
        const status =
          error instanceof HttpError ? error.status : error instanceof QueueFullError ? 503 : 500;
        if (status === 500) log("error", "invocation failed", { error: errorMessage(error) });
        if (status === 503) response.setHeader("retry-after", String(RETRY_AFTER_SECONDS));
        if (status === 413) response.setHeader("connection", "close");
        if (!response.headersSent && !response.destroyed)
          send(response, status, { error: errorMessage(error) });
        if (status === 413) response.on("finish", () => request.destroy());
      });
    },
  );

  let closing: Promise<void> | undefined;
  return {
    server,
    backend,
    historyLength: answerer.historyLength,
    workers,
    limits,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Stop accepting; requests in flight finish; idle keep-alive sockets are closed. The workers stop once
        // no answer is pending, those of clients that have gone included (else each would fail as a 500).
        server.close(() => {
          void idle()
            .then(() => answerer.close())
            .then(resolve);
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}

/**
 * Makes a server that never listens track the connections it is handed: Node starts the slow-client checks
 * (headersTimeout, requestTimeout) and the list that closeIdleConnections walks on "listening".
 */
export function acceptHandedSockets(server: Server): void {
  server.emit("listening");
}
