// Helpers for tests with aws-sdk-client-mock: SDK-shaped errors, S3 bodies and a log sink that records.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import type { LogSink } from "../log";

/** An error as the SDK throws it: `name` is the service's error code. */
export function awsError(
  name: string,
  message = `${name} from the fake service`,
  httpStatusCode = 400,
): Error {
  return Object.assign(new Error(message), { name, $fault: "client", $metadata: { httpStatusCode } });
}

/** A GetObject body as the SDK returns it in Node: a Readable with the SDK's transform methods. */
export function s3Body(content: string | Uint8Array): NonNullable<GetObjectCommandOutput["Body"]> {
  const bytes = Buffer.from(content);
  return Object.assign(Readable.from([bytes]), {
    transformToString: () => Promise.resolve(bytes.toString("utf8")),
    transformToByteArray: () => Promise.resolve(new Uint8Array(bytes)),
    transformToWebStream: () => {
      throw new Error("not used by the handlers");
    },
  });
}

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

export function sha256Base64(text: string): string {
  return createHash("sha256").update(text).digest("base64");
}

/** A LogSink that keeps the records, for assertions. */
export function recordingSink(): { sink: LogSink; records: Readonly<Record<string, unknown>>[] } {
  const records: Readonly<Record<string, unknown>>[] = [];
  return { sink: (record) => records.push(record), records };
}
