// An HTTP process of the server (connection-front.ts): loads the model into its inference workers, then
// answers the connections the accepting process hands it over the IPC channel (and tells it how many have
// closed), with the same HTTP handler a server without HTTP processes runs in its own thread
// (http-handler.ts). It closes gracefully (no new requests, those in flight finish) when the front says
// "close", on SIGTERM/SIGINT, or when the front is gone, then exits. Started with its options
// (HandlerOptions, JSON) as argv[2].
import type { Socket } from "node:net";
import { errorMessage } from "../runtime/errors";
import { captureConsole } from "../runtime/log";
import { acceptHandedSockets, type HandlerOptions, startHttpHandler } from "./http-handler";

/** What the accepting process sends; a "connection" message carries the socket as its handle. */
export type FrontMessage = { kind: "connection" } | { kind: "close" } | { kind: "cpu" };

/** What an HTTP process answers: once "ready" (or "failed"), then "cpu" whenever asked. */
export type HttpProcessMessage =
  | { kind: "ready"; backend: string; historyLength: number; workers: number }
  | { kind: "failed"; error: string }
  | { kind: "cpu"; micros: number }
  /** Connections it was handed that have closed since the last such message. */
  | { kind: "closed"; count: number };

function reply(message: HttpProcessMessage, then?: () => void): void {
  if (process.connected) process.send?.(message, undefined, {}, then);
  else then?.();
}

if (require.main === module) {
  captureConsole();
  const options = JSON.parse(process.argv[2] ?? "{}") as HandlerOptions;
  startHttpHandler(options).then(
    (handler) => {
      acceptHandedSockets(handler.server);
      let closing = false;
      // Closed connections are reported at most once per event-loop turn, as one count.
      let closedSinceReport = 0;
      const reportClosed = () => {
        reply({ kind: "closed", count: closedSinceReport });
        closedSinceReport = 0;
      };
      const onClose = () => {
        if (closedSinceReport++ === 0) setImmediate(reportClosed);
      };
      const close = () => {
        if (closing) return;
        closing = true;
        void handler.close().then(() => process.exit(0));
      };
      process.on("message", (message: FrontMessage, socket?: Socket) => {
        switch (message.kind) {
          case "connection":
            if (socket === undefined) return;
            socket.once("close", onClose);
            if (closing) socket.destroy();
            else handler.server.emit("connection", socket);
            return;
          case "close":
            return close();
          case "cpu": {
            const { user, system } = process.cpuUsage();
            return reply({ kind: "cpu", micros: user + system });
          }
          default: {
            const unknown: never = message;
            throw new Error(`unknown message ${JSON.stringify(unknown)}`);
          }
        }
      });
      // A terminal's Ctrl-C or a signal to the whole process group: the same graceful close as the front's.
      process.on("SIGTERM", close);
      process.on("SIGINT", close);
      process.once("disconnect", close);
      reply({
        kind: "ready",
        backend: handler.backend,
        historyLength: handler.historyLength,
        workers: handler.workers,
      });
    },
    (error: unknown) => reply({ kind: "failed", error: errorMessage(error) }, () => process.exit(1)),
  );
}
