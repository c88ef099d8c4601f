// The SageMaker inference server: GET /ping, POST /invocations. By default one process only accepts
// connections and hands them to HTTP processes (connection-front.ts, http-process.ts), whose inference worker
// threads answer the bodies; with no HTTP processes, the calling process serves HTTP itself
// (http-handler.ts has the routes, the bounds and the timeouts).
import type { AddressInfo } from "node:net";
import { log } from "../runtime/log";
import { startConnectionFront } from "./connection-front";
import { type HandlerOptions, servingLimitsOf, startHttpHandler, workersOf } from "./http-handler";
import { checkServingLimits, DEFAULT_SERVING_LIMITS, type ServingLimits } from "./serving-limits";

export { checkServingLimits, DEFAULT_SERVING_LIMITS, type ServingLimits };

export interface ServerOptions extends HandlerOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
  /**
   * Processes that serve HTTP behind this one, which then only accepts connections (so that a crowd of them
   * is accepted at once); each loads the model into its own inference workers. 0 serves HTTP in this process.
   * @default 1
   */
  httpProcesses?: number;
}

export interface RunningServer {
  port: number;
  /** The CPU time (µs) the server has used: this process and its HTTP processes, threads included. */
  cpuMicros(): Promise<number>;
  /** Stops accepting; requests in flight finish; resolves once everything the server started has stopped. */
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  // Checked here, so that a bad option fails the start by name whichever process would have used it.
  const limits = servingLimitsOf(options);
  const workers = workersOf(options);
  const httpProcesses = options.httpProcesses ?? 1;
  if (!Number.isInteger(httpProcesses) || httpProcesses < 0)
    throw new Error(`[httpProcesses] must be a whole number >= 0, got ${httpProcesses}`);
  const host = options.host ?? "0.0.0.0";
  const { port: _port, host: _host, httpProcesses: _processes, ...handlerOptions } = options;
  const serving = (port: number, backend: string, historyLength: number) =>
    log("info", "serving", {
      port,
      modelDir: options.modelDir,
      backend,
      httpProcesses,
      workers,
      historyLength,
      ...limits,
    });

  if (httpProcesses > 0) {
    const front = await startConnectionFront({
      port: options.port,
      host,
      processes: httpProcesses,
      maxConnections: limits.maxConnections,
      handler: handlerOptions,
    });
    serving(front.port, front.backend, front.historyLength);
    return {
      port: front.port,
      cpuMicros: () => front.cpuMicros(),
      close: () => front.close().then(() => log("info", "server closed", { port: front.port })),
    };
  }

  const handler = await startHttpHandler(handlerOptions);
  const { server } = handler;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A backlog above Node's 511, so that a burst of new connections waits to be accepted, not dropped.
    server.listen({ port: options.port, host, backlog: 2048 }, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  serving(port, handler.backend, handler.historyLength);
  return {
    port,
    cpuMicros: async () => {
      const { user, system } = process.cpuUsage();
      return user + system;
    },
    close: () => handler.close().then(() => log("info", "server closed", { port })),
  };
}
