// What the accepting process (connection-front.ts) answers on a connection it does not hand to an HTTP process
// because they all hold as many as they may: a health check (GET /ping) gets 200, as from an HTTP process,
// since the server is up and its model loaded, only busy; anything else gets 503 with Retry-After. Either
// way the answer says `Connection: close` and the connection is closed: the front reads only the start of
// the first request and never parses HTTP.
import type { Socket } from "node:net";

/** Seconds a shed client is asked to wait. */
export const RETRY_AFTER_SECONDS = 1;

/** How long a shed connection may stay open for its client to send its request and read the answer. */
const SHED_LINGER_MS = 2000;

const PING = Buffer.from("GET /ping");

/** Whether the first bytes of a connection are a GET of /ping (a query string allowed); undefined: too few. */
export function isPing(start: Buffer): boolean | undefined {
  if (start.length <= PING.length) return PING.subarray(0, start.length).equals(start) ? undefined : false;
  const next = start[PING.length];
  return start.subarray(0, PING.length).equals(PING) && (next === 0x20 || next === 0x3f); // " " or "?"
}

function response(status: string, headers: string, body: string): string {
  return (
    `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\n${headers}connection: close\r\n` +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

export interface ShedAnswers {
  ping: string;
  shed: string;
}

/** The two answers, written once: /ping's body as the HTTP processes give it, and the 503. */
export function shedAnswers(backend: string, maxConnections: number): ShedAnswers {
  return {
    ping: response("200 OK", "", JSON.stringify({ status: "healthy", backend })),
    shed: response(
      "503 Service Unavailable",
      `retry-after: ${RETRY_AFTER_SECONDS}\r\n`,
      JSON.stringify({
        error: `the server is at capacity (${maxConnections} connections per HTTP process): retry shortly`,
      }),
    ),
  };
}

/**
 * Answers the connection's first request from its first bytes, then closes. The rest of what the client sends
 * is read and dropped, not left unread: closing a socket with unread bytes resets the connection, and the
 * client could lose the answer.
 */
export function shedConnection(socket: Socket, answers: ShedAnswers): void {
  socket.on("error", () => undefined);
  setTimeout(() => socket.destroy(), SHED_LINGER_MS).unref();
  let start = Buffer.alloc(0);
  let answered = false;
  const answer = (ping: boolean) => {
    answered = true;
    socket.end(ping ? answers.ping : answers.shed);
  };
  socket.on("data", (chunk: Buffer) => {
    if (answered) return;
    start = Buffer.concat([start, chunk]);
    const ping = isPing(start);
    if (ping !== undefined) answer(ping);
  });
  socket.on("end", () => {
    if (!answered) answer(false);
  });
  socket.resume();
}
