// A bad --input gets one sentence naming the file and what to do, never DuckDB's sniffing report or
// "No files found" (issue 15, finding 5); a gzip-compressed CSV named *.gz is read as it is.
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import { tempDir } from "../training/test-support/fixtures";
import { renderTrainingSql } from "../sql";
import { rawHitsInputProblem } from "./input-files";
import { LazyDuckDbQueryEngine } from "./lambdas";
import { LOCAL_HANDLER_CONFIG } from "./settings";

const CSV = "user_id,event_time,page_type,time_spent_sec,platform\nu1,2024-01-01 08:00:00,1,30,ios\n";
const HEADER = "user_id,event_time,page_type,time_spent_sec,platform";

describe("checking --input before DuckDB reads it", () => {
  const dir = tempDir();
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it("tells each kind of unreadable input in one sentence naming the file", async () => {
    const folder = join(dir, "hits");
    mkdirSync(folder);
    const binary = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7919) % 256));
    const cases: [string | string[], string][] = [
      [
        folder,
        `${folder} is a directory: give the files in it with a glob, --input '${folder}/*.csv' (quoted), ` +
          "or each file with its own --input.",
      ],
      [
        join(dir, "nothing-*.csv"),
        `no file matches ${join(dir, "nothing-*.csv")}: check the pattern and its directory (quote a glob ` +
          "so that the shell leaves it to the pipeline).",
      ],
      [
        join(dir, "missing.csv"),
        `${join(dir, "missing.csv")} does not exist: give a CSV or Parquet file of raw hits, or a glob such ` +
          "as 'data/*.csv' (quoted, so that the pipeline expands it).",
      ],
      [
        file("packed.csv", gzipSync(CSV)),
        `${join(dir, "packed.csv")} is gzip-compressed: name it ${join(dir, "packed.csv")}.gz (a *.gz CSV ` +
          "file is read as it is, here and by Athena) or decompress it with gunzip.",
      ],
      [
        file("hits.zip", Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), binary])),
        `${join(dir, "hits.zip")} is a zip archive: unzip it and give the CSV file(s) inside.`,
      ],
      [
        file("binary.csv", binary),
        `${join(dir, "binary.csv")} is not a text CSV file (its first bytes are binary data): give a UTF-8 ` +
          `CSV file with the header row ${HEADER}, or a Parquet file named *.parquet.`,
      ],
      [
        file("excel.csv", Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(CSV, "utf16le")])),
        `${join(dir, "excel.csv")} is UTF-16 text: save it as UTF-8 (comma-separated, with a header row) ` +
          "and give that file.",
      ],
      [
        file("semicolons.csv", CSV.replaceAll(",", ";")),
        `${join(dir, "semicolons.csv")} separates its columns with semicolons: the pipeline reads ` +
          `comma-separated files, as the Athena table does; export it again with commas (header ${HEADER}).`,
      ],
      [
        file("tabs.tsv", CSV.replaceAll(",", "\t")),
        `${join(dir, "tabs.tsv")} separates its columns with tabs: the pipeline reads comma-separated ` +
          `files, as the Athena table does; export it again with commas (header ${HEADER}).`,
      ],
      [
        file("empty.csv", ""),
        `${join(dir, "empty.csv")} is empty: give a CSV file with the header row ${HEADER} and one row per hit.`,
      ],
      [
        file("fake.parquet", CSV),
        `${join(dir, "fake.parquet")} is named .parquet but is not a Parquet file: give a Parquet file, or ` +
          "rename a CSV file to *.csv.",
      ],
      [
        [file("good.csv", CSV), join(dir, "b*.csv")],
        `${join(dir, "binary.csv")} is not a text CSV file (its first bytes are binary data): give a UTF-8 ` +
          `CSV file with the header row ${HEADER}, or a Parquet file named *.parquet.`,
      ],
    ];
    for (const [input, expected] of cases) {
      assert.equal(await rawHitsInputProblem(input), expected, String(input));
    }
    assert.equal(await rawHitsInputProblem([join(dir, "good.csv"), join(dir, "g*.csv")]), undefined);
  });

  it("fails the query with that sentence alone, and reads a *.csv.gz as it is", async () => {
    const query = async (input: string) => {
      const engine = new LazyDuckDbQueryEngine(join(dir, "s3"), input);
      const { query: config } = LOCAL_HANDLER_CONFIG;
      try {
        const { queryExecutionId } = await engine.start({
          sql: renderTrainingSql(config.sourceTable),
          database: config.database,
          workgroup: config.workgroup,
          outputLocation: config.outputLocation,
          clientRequestToken: input,
        });
        let status = await engine.status(queryExecutionId);
        while (status.state === "RUNNING") status = await engine.status(queryExecutionId);
        return status;
      } finally {
        await engine.close();
      }
    };
    await assert.rejects(query(join(dir, "binary.csv")), {
      name: "SourceDataUnreadable",
      message: new RegExp(`^${join(dir, "binary.csv")} is not a text CSV file .*\\.parquet\\.$`),
    });
    const status = await query(file("hits.csv.gz", gzipSync(CSV)));
    assert.equal(status.state, "SUCCEEDED", status.stateChangeReason);
  });
});
