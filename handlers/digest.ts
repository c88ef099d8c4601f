// One pass over an object's bytes: size, SHA-256, CSV record count (newlines outside double quotes,
// so a quoted field with a newline is one record, as Athena's CSV writes it) and the sums of the CSV
// columns asked for (csv-column-sums.ts counts the records in the same loop as the sums).
import { createHash } from "node:crypto";
import { type ColumnSumsSpec, CsvColumnSums } from "./csv-column-sums";
import type { ObjectDigest } from "./ports";

export async function digestChunks(
  chunks: AsyncIterable<Uint8Array>,
  sums: ColumnSumsSpec = { columns: [] },
): Promise<ObjectDigest> {
  const hash = createHash("sha256");
  const scanner = new CsvColumnSums(sums);
  let sizeBytes = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    scanner.update(chunk);
    sizeBytes += chunk.length;
  }
  const columnSums = scanner.totals();
  return { sizeBytes, sha256: hash.digest("hex"), csvRecords: scanner.recordCount(), columnSums };
}

/** S3's base64 checksum → lowercase hex. */
export function base64ToHex(base64: string): string {
  return Buffer.from(base64, "base64").toString("hex");
}
