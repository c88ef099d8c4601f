// The SageMaker inference server: GET /ping, POST /invocations (batches of instances), JSON validation
// with 400 errors naming the field, 413 for oversized bodies, graceful close.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { buildFeatures } from "../features/features";
import { initBackend } from "../model/backend";
import { loadHourModel } from "../model/model-io";
import { predictHours } from "../model/predict";
import { errorMessage } from "../runtime/errors";
import { log } from "../runtime/log";
import { parseInvocationRequest } from "./request";

export interface ServerOptions {
  /** The model directory (model.tar.gz extracted). */
  modelDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /** @default 6 MiB, SageMaker's payload limit for real-time endpoints */
  maxBodyBytes?: number;
  /** @default 1000 */
  maxInstances?: number;
}

export interface RunningServer {
  port: number;
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
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > limit) return Promise.reject(new HttpError(413, `body: larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.removeAllListeners("data");
        reject(new HttpError(413, `body: larger than ${limit} bytes`));
      } else chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

const round4 = (value: number) => Math.round(value * 1e4) / 1e4;

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const maxBodyBytes = options.maxBodyBytes ?? 6 * 1024 * 1024;
  const maxInstances = options.maxInstances ?? 1000;
  const backend = await initBackend();
  const loaded = await loadHourModel(options.modelDir);
  const historyLength = loaded.metadata.historyLength;

  async function invocations(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const type = request.headers["content-type"];
    if (type !== undefined && !/^application\/json\b/i.test(type)) {
      throw new HttpError(415, `content-type: must be application/json, got "${type}"`);
    }
    const body = await readBody(request, maxBodyBytes);
    let json: unknown;
    try {
      json = JSON.parse(body.toString("utf8"));
    } catch (error) {
      throw new HttpError(400, `body: not valid JSON (${errorMessage(error)})`);
    }
    const parsed = parseInvocationRequest(json, maxInstances);
    if (!parsed.ok) throw new HttpError(400, parsed.error);
    const features = parsed.instances.map((instance) =>
      buildFeatures(instance.history, instance.day, historyLength),
    );
    const predictions = predictHours(loaded.model, loaded.normalisation, features).map((prediction) => ({
      hour: prediction.hour,
      expected_error_hours: round4(prediction.expectedErrorHours),
      probabilities: prediction.probabilities.map(round4),
    }));
    send(response, 200, { predictions });
  }

  const server = createServer((request, response) => {
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
      const status = error instanceof HttpError ? error.status : 500;
      if (status === 500) log("error", "invocation failed", { error: errorMessage(error) });
      if (status === 413) response.setHeader("connection", "close");
      if (!response.headersSent) send(response, status, { error: errorMessage(error) });
      if (status === 413) response.on("finish", () => request.destroy());
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log("info", "serving", { port, modelDir: options.modelDir, backend, historyLength });
  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // Stop accepting; requests in flight finish; idle keep-alive sockets are closed.
        server.close(() => {
          loaded.model.dispose();
          log("info", "server closed", { port });
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
