// The server process of `npm run bench:serve`: started with fork() so that the load tool and the server do
// not share one event loop. Reads its options from argv[2] (JSON), answers its port over the IPC channel (and
// its CPU time, HTTP processes included, when sent "cpu") and closes when the benchmark disconnects.
import { errorMessage } from "../runtime/errors";
import { captureConsole, log } from "../runtime/log";
import { type ServerOptions, startServer } from "./server";

if (require.main === module) {
  captureConsole();
  const options = JSON.parse(process.argv[2] ?? "{}") as ServerOptions;
  startServer({ ...options, port: 0, host: "127.0.0.1" }).then(
    (server) => {
      process.send?.({ port: server.port });
      // The CPU time the server has used (µs), asked before and after each load run.
      process.on("message", (message) => {
        if (message === "cpu") void server.cpuMicros().then((cpuMicros) => process.send?.({ cpuMicros }));
      });
      process.once("disconnect", () => void server.close().then(() => process.exit(0)));
    },
    (error: unknown) => {
      log("error", "the benchmark's server did not start", { error: errorMessage(error) });
      process.exit(1);
    },
  );
}
