// One pass over an object's bytes: size, SHA-256, CSV record count (newlines outside double quotes,
// so a quoted field with a newline is one record, as Athena's CSV writes it) and the sums of the CSV
// columns asked for.
import { createHash } from "node:crypto";
import { type ColumnSumsSpec, CsvColumnSums } from "./csv-column-sums";
import type { ObjectDigest } from "./ports";

const QUOTE = 0x22;
const NEWLINE = 0x0a;

export async function digestChunks(
  chunks: AsyncIterable<Uint8Array>,
  sums: ColumnSumsSpec = { columns: [] },
): Promise<ObjectDigest> {
  const hash = createHash("sha256");
  const summer = new CsvColumnSums(sums);
  let sizeBytes = 0;
  let csvRecords = 0;
  /** 1 inside a quoted field. */
  let inQuotes = 0;
  let lastByte = NEWLINE;
  for await (const chunk of chunks) {
    hash.update(chunk);
    summer.update(chunk);
    sizeBytes += chunk.length;
    // Indexed and without branches on the data: about 4x faster than `for (const byte of chunk)` with ifs,
    // which made this loop most of a snapshot's time on a result of millions of rows.
    for (let i = 0, length = chunk.length; i < length; i++) {
      const byte = chunk[i]!;
      // A doubled quote ("") inside a quoted field toggles twice, which leaves the state unchanged.
      inQuotes ^= byte === QUOTE ? 1 : 0;
      csvRecords += (byte === NEWLINE ? 1 : 0) & (inQuotes ^ 1);
    }
    const last = chunk[chunk.length - 1];
    if (last !== undefined) lastByte = last;
  }
  if (lastByte !== NEWLINE) csvRecords += 1;
  return { sizeBytes, sha256: hash.digest("hex"), csvRecords, columnSums: summer.totals() };
}

/** S3's base64 checksum → lowercase hex. */
export function base64ToHex(base64: string): string {
  return Buffer.from(base64, "base64").toString("hex");
}
