// Whether a cell of some CSV fields holds an underscore, in one pass over the file's bytes. DuckDB's cast
// from text to DOUBLE reads '1_000' as 1000 (a digit separator) where the daily-visits contract refuses it
// ("must be a number"), and it is the one cell DuckDB's typed CSV reader accepts with a value the contract
// does not give (a refused one fails the read; a non-finite one is told apart after it). A file whose
// numeric cells hold no '_' is therefore read typed (load-daily-visits.ts), the others as text.
// Quotes are honoured as Athena writes them (a quoted comma or newline stays in its cell, a doubled quote
// toggles twice); the header record is skipped (its names hold '_').
import { closeSync, openSync, readSync } from "node:fs";

const QUOTE = 0x22;
const COMMA = 0x2c;
const NEWLINE = 0x0a;
const UNDERSCORE = 0x5f;
const READ_BYTES = 4 << 20;

/** True when a data cell of one of `fields` (0-based positions) holds '_'. */
export function fieldsHoldUnderscore(file: string, fields: readonly number[]): boolean {
  if (fields.length === 0) return false;
  const checked = new Uint8Array(Math.max(...fields) + 1);
  for (const field of fields) checked[field] = 1;
  const width = checked.length;
  const buffer = new Uint8Array(READ_BYTES);
  const fd = openSync(file, "r");
  try {
    let inQuotes = 0;
    let field = 0;
    let header = 1;
    for (;;) {
      const length = readSync(fd, buffer, 0, READ_BYTES, null);
      if (length === 0) return false;
      for (let i = 0; i < length; i++) {
        const byte = buffer[i]!;
        if (byte === QUOTE) {
          inQuotes ^= 1;
        } else if (inQuotes === 0 && byte === COMMA) {
          field++;
        } else if (inQuotes === 0 && byte === NEWLINE) {
          field = 0;
          header = 0;
        } else if (byte === UNDERSCORE && header === 0 && field < width && checked[field] === 1) {
          return true;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}
