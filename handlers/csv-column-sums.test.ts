import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
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
});
