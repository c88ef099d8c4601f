// Test helpers: small generated datasets in temporary directories (no network, no downloads).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { writeDailyVisitsCsv } from "../../sql/duckdb";
import { simulateHits } from "../generate-data/simulate";
import { writeHits } from "../generate-data/write";

export { tempDir } from "../../test-support/temp-dir";

/** Raw hits → daily visits CSV through the real source SQL; returns the CSV's path. */
export async function generatedDailyVisits(
  dir: string,
  options: { users: number; days: number; seed: number; malformed?: number },
): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const hits = join(dir, "raw-hits.csv");
  await writeHits(
    hits,
    simulateHits({ startDate: "2024-01-01", malformed: 0, ...options }),
    (options.malformed ?? 0) === 0,
  );
  const csv = join(dir, "daily-visits.csv");
  await writeDailyVisitsCsv(hits, csv);
  return csv;
}
