import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { parse } from "csv-parse/sync";
import { CsvColumnSums } from "./csv-column-sums";

function sums(text: string, columns: string[], chunkSize = text.length || 1, whereEmpty?: string) {
  const summer = new CsvColumnSums({ columns, ...(whereEmpty ? { whereEmpty } : {}) });
  const bytes = Buffer.from(text, "utf8");
  for (let start = 0; start < bytes.length; start += chunkSize) {
    summer.update(bytes.subarray(start, start + chunkSize));
  }
  return summer.totals();
}

describe("CsvColumnSums", () => {
  it("sums named columns of Athena's quoted CSV, any header case, CRLF and an unterminated last line", () => {
    const csv =
      '"user_id","Page_Views","note","invalid_hits"\r\n' +
      '"u1","3","a, b","1"\r\n' +
      '"u2","4","line\none ""quoted""","0"\r\n' +
      '"u3","","x","2.5"';
    assert.deepEqual(sums(csv, ["page_views", "invalid_hits", "duplicate_hits"]).all, {
      page_views: 7,
      invalid_hits: 3.5,
      duplicate_hits: 0,
    });
  });

  it("gives the same sums however the bytes are cut into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1000), fc.string(), fc.nat(50)), { maxLength: 20 }),
        fc.integer({ min: 1, max: 17 }),
        (rows, chunkSize) => {
          const quote = (text: string) => `"${text.replace(/"/g, '""')}"`;
          const csv =
            "page_views,comment,invalid_hits\n" +
            rows.map(([views, comment, invalid]) => `${views},${quote(comment)},${invalid}\n`).join("");
          const total = (keep: (comment: string) => boolean) => ({
            page_views: rows.reduce((sum, [views, comment]) => sum + (keep(comment) ? views : 0), 0),
            invalid_hits: rows.reduce((sum, [, comment, invalid]) => sum + (keep(comment) ? invalid : 0), 0),
          });
          assert.deepEqual(sums(csv, ["page_views", "invalid_hits"], chunkSize, "comment"), {
            all: total(() => true),
            whereEmpty: total((comment) => comment.trim() === ""),
          });
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reads every cell form as Number() reads its text, and counts records, however the bytes are cut", () => {
    // Cells of the summed columns: plain counts (the fast path), and every other form the text path reads.
    const cellText = fc.oneof(
      fc.nat(100_000).map(String),
      fc.constantFrom(
        "",
        " ",
        "007",
        "2.5",
        "-3",
        "+4",
        " 12 ",
        "1e3",
        "0x1A",
        "1_000",
        "abc",
        "9".repeat(17),
      ),
      fc.constantFrom('1"2', "3\n4", "\u00a05\u00a0", "Infinity"),
      fc.string({ maxLength: 4 }),
    );
    const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;
    const written = fc
      .tuple(cellText, fc.boolean())
      .map(([text, quote]) => (quote || /[",\n\r]/.test(text) ? quoted(text) : text));
    fc.assert(
      fc.property(
        fc.array(fc.array(written, { minLength: 3, maxLength: 3 }), { maxLength: 15 }),
        fc.constantFrom("\n", "\r\n"),
        fc.boolean(),
        fc.integer({ min: 1, max: 23 }),
        (rows, newline, lastNewline, chunkSize) => {
          const lines = ['"Page_Views",visit_date,"invalid_hits"', ...rows.map((row) => row.join(","))];
          const csv = lines.join(newline) + (lastNewline ? newline : "");
          const records = parse(csv, { relax_column_count: true, skip_empty_lines: false }) as string[][];
          const number = (text: string | undefined) => {
            const trimmed = (text ?? "").replace(/\r/g, "").trim();
            const value = Number(trimmed);
            return trimmed !== "" && Number.isFinite(value) ? value : 0;
          };
          const empty = (row: string[]) => (row[1] ?? "").replace(/\r/g, "").trim() === "";
          const total = (column: number, keep: (row: string[]) => boolean) =>
            records.slice(1).reduce((sum, row) => sum + (keep(row) ? number(row[column]) : 0), 0);
          const summer = new CsvColumnSums({
            columns: ["page_views", "invalid_hits"],
            whereEmpty: "visit_date",
          });
          const bytes = Buffer.from(csv, "utf8");
          for (let start = 0; start < bytes.length; start += chunkSize) {
            summer.update(bytes.subarray(start, start + chunkSize));
          }
          assert.deepEqual(summer.totals(), {
            all: { page_views: total(0, () => true), invalid_hits: total(2, () => true) },
            whereEmpty: { page_views: total(0, empty), invalid_hits: total(2, empty) },
          });
          assert.equal(summer.recordCount(), records.length);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("tells an empty whereEmpty cell from a filled one without decoding plain ASCII, however the bytes are cut", () => {
    // Dates and text are filled; spaces, tabs, quotes, CR and Unicode white space alone are empty; a
    // non-ASCII letter is filled (the text path decides the cells with UTF-8 bytes).
    const cells = [
      ['"2024-01-01"', false],
      ["2024-01-02", false],
      ['""', true],
      ["", true],
      ['"  "', true],
      [" \t ", true],
      ['" x "', false],
      ['"\u00a0\u3000\ufeff"', true],
      ['"\u00a0é"', false],
      ['""""', false],
    ] as const;
    const csv =
      '"page_views","visit_date"\r\n' + cells.map(([cell], row) => `"${row + 1}",${cell}\r\n`).join("");
    const emptyRows = cells.flatMap(([, empty], row) => (empty ? [row + 1] : []));
    for (let chunkSize = 1; chunkSize <= csv.length; chunkSize++) {
      assert.deepEqual(
        sums(csv, ["page_views"], chunkSize, "visit_date").whereEmpty,
        { page_views: emptyRows.reduce((sum, value) => sum + value, 0) },
        `chunks of ${chunkSize} bytes`,
      );
    }
  });
});
