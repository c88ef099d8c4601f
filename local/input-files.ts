// What `--input` names, checked before DuckDB opens it: a directory, a glob that matches nothing, an empty,
// compressed, binary or UTF-16 file, a Parquet file under another name and a CSV separated by anything but
// commas each get one sentence naming the file and what to do, instead of DuckDB's dialect-sniffing report
// or "No files found". A gzip-compressed CSV named `*.gz` is read as it is (DuckDB and Athena both do).
import { open, stat } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { RAW_HIT_COLUMNS } from "../contracts/raw-hits";
import { isErrno } from "./json-files";
import { GLOB_CHARACTERS, matchingFiles } from "./lineage";

const HEAD_BYTES = 65_536;
const EXAMPLE_HEADER = RAW_HIT_COLUMNS.join(",");

/** Formats by their first bytes, each with what to do. */
const SIGNATURES: { bytes: number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: "a zip archive: unzip it and give the CSV file(s) inside" },
  { bytes: [0x42, 0x5a, 0x68], what: "bzip2-compressed: decompress it (bunzip2) and give the CSV file" },
  {
    bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00],
    what: "xz-compressed: decompress it (unxz) and give the CSV file",
  },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], what: "zstd-compressed: decompress it (unzstd) and give the CSV file" },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: "a 7z archive: extract it and give the CSV file(s) inside" },
];
const GZIP = [0x1f, 0x8b];
const PARQUET = [0x50, 0x41, 0x52, 0x31];

const startsWith = (head: Buffer, bytes: readonly number[]) => bytes.every((byte, i) => head[i] === byte);

async function head(path: string): Promise<{ bytes: Buffer; size: number }> {
  const file = await open(path, "r");
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buffer, 0, HEAD_BYTES, 0);
    return { bytes: buffer.subarray(0, bytesRead), size: (await file.stat()).size };
  } finally {
    await file.close();
  }
}

/** The start of a gzip stream, decompressed as far as the bytes read allow. */
function gunzipHead(bytes: Buffer): Buffer | undefined {
  try {
    return gunzipSync(bytes, { finishFlush: 2 /* Z_SYNC_FLUSH: a cut stream is not an error */ });
  } catch {
    return undefined;
  }
}

/** Text that a CSV reader can take: no NUL byte, valid UTF-8 (a character cut at the end allowed). */
function isUtf8Text(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  const lastNewline = bytes.lastIndexOf(0x0a);
  const whole = lastNewline >= 0 && bytes.length === HEAD_BYTES ? bytes.subarray(0, lastNewline) : bytes;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(whole);
    return true;
  } catch {
    return false;
  }
}

/** A header separated by `;`, tab or `|` that holds the columns: the separator, else undefined. */
function otherSeparator(headerLine: string): string | undefined {
  if (headerLine.includes(",")) return undefined;
  return [";", "\t", "|"].find((separator) => {
    const names = headerLine.split(separator).map((name) => name.trim().replace(/^"|"$/g, "").toLowerCase());
    return RAW_HIT_COLUMNS.filter((column) => names.includes(column)).length >= 2;
  });
}

const SEPARATOR_NAMES: Record<string, string> = { ";": "semicolons", "\t": "tabs", "|": "'|'" };

/** The problem of one CSV's text (decompressed), or undefined. */
function csvTextProblem(path: string, text: Buffer): string | undefined {
  if (
    text.length >= 2 &&
    ((text[0] === 0xff && text[1] === 0xfe) || (text[0] === 0xfe && text[1] === 0xff))
  ) {
    return `${path} is UTF-16 text: save it as UTF-8 (comma-separated, with a header row) and give that file.`;
  }
  if (!isUtf8Text(text)) {
    return (
      `${path} is not a text CSV file (its first bytes are binary data): give a UTF-8 CSV file with the ` +
      `header row ${EXAMPLE_HEADER}, or a Parquet file named *.parquet.`
    );
  }
  const headerLine =
    text
      .toString("utf8")
      .replace(/^\uFEFF/, "")
      .split(/\r?\n/)[0] ?? "";
  const separator = otherSeparator(headerLine);
  if (separator !== undefined) {
    return (
      `${path} separates its columns with ${SEPARATOR_NAMES[separator]}: the pipeline reads comma-separated ` +
      `files, as the Athena table does; export it again with commas (header ${EXAMPLE_HEADER}).`
    );
  }
  return undefined;
}

/** The problem of one file given as raw hits, or undefined when it can be read. */
export async function rawHitsFileProblem(path: string): Promise<string | undefined> {
  const { bytes, size } = await head(path);
  const isParquetName = path.toLowerCase().endsWith(".parquet");
  if (size === 0) {
    return `${path} is empty: give a CSV file with the header row ${EXAMPLE_HEADER} and one row per hit.`;
  }
  if (isParquetName) {
    return startsWith(bytes, PARQUET)
      ? undefined
      : `${path} is named .parquet but is not a Parquet file: give a Parquet file, or rename a CSV file to *.csv.`;
  }
  if (startsWith(bytes, PARQUET)) {
    return `${path} is a Parquet file: name it *.parquet so that it is read as Parquet.`;
  }
  if (startsWith(bytes, GZIP)) {
    if (!path.toLowerCase().endsWith(".gz")) {
      return (
        `${path} is gzip-compressed: name it ${path}.gz (a *.gz CSV file is read as it is, here and by ` +
        `Athena) or decompress it with gunzip.`
      );
    }
    const text = gunzipHead(bytes);
    return text === undefined
      ? `${path} is named .gz but cannot be decompressed: check the file, or give it decompressed.`
      : csvTextProblem(path, text);
  }
  const signature = SIGNATURES.find((candidate) => startsWith(bytes, candidate.bytes));
  if (signature) return `${path} is ${signature.what}.`;
  return csvTextProblem(path, bytes);
}

/**
 * The first problem of the `--input` paths and globs (in their order), or undefined when every file can
 * be read as raw hits. A missing path, a directory and a glob without a match are problems too.
 */
export async function rawHitsInputProblem(input: string | readonly string[]): Promise<string | undefined> {
  const patterns = typeof input === "string" ? [input] : [...input];
  for (const pattern of patterns) {
    if (!GLOB_CHARACTERS.test(pattern)) {
      let info;
      try {
        info = await stat(pattern);
      } catch (error) {
        if (!isErrno(error, "ENOENT")) throw error;
        return (
          `${pattern} does not exist: give a CSV or Parquet file of raw hits, or a glob such as ` +
          `'data/*.csv' (quoted, so that the pipeline expands it).`
        );
      }
      if (info.isDirectory()) {
        return (
          `${pattern} is a directory: give the files in it with a glob, --input '${pattern}/*.csv' ` +
          `(quoted), or each file with its own --input.`
        );
      }
    }
    const files = await matchingFiles(pattern);
    if (files.length === 0) {
      return `no file matches ${pattern}: check the pattern and its directory (quote a glob so that the shell leaves it to the pipeline).`;
    }
    for (const file of files) {
      const problem = await rawHitsFileProblem(file);
      if (problem) return problem;
    }
  }
  return undefined;
}
