// A ready-to-send /invocations request built from the run's dataset snapshot (daily visits): the recent
// history of the user with the most visits, asking for the day after their last visit. The summary's
// curl command posts it.
import { readFile, writeFile } from "node:fs/promises";
import { parse } from "csv-parse/sync";

const TEXT_COLUMNS = new Set(["user_id", "visit_date", "platform"]);
const HISTORY_VISITS = 14;

type Row = Record<string, string>;

function nextDay(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() + 1);
  return day.toISOString().slice(0, 10);
}

/** The request for the busiest user of a daily-visits CSV; null when the CSV has no rows. */
export function sampleRequest(
  csv: string,
): { instances: { date: string; history: Record<string, unknown>[] }[] } | null {
  const rows = parse(csv, { columns: true, skip_empty_lines: true }) as Row[];
  const byUser = new Map<string, Row[]>();
  for (const row of rows) {
    const user = row["user_id"] ?? "";
    byUser.set(user, [...(byUser.get(user) ?? []), row]);
  }
  const busiest = [...byUser.values()].sort((a, b) => b.length - a.length)[0];
  if (!busiest || busiest.length === 0) return null;
  const history = busiest
    .sort((a, b) => (a["visit_date"] ?? "").localeCompare(b["visit_date"] ?? ""))
    .slice(-HISTORY_VISITS)
    .map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([column, value]) => [
          column,
          TEXT_COLUMNS.has(column) ? value : Number(value),
        ]),
      ),
    );
  const last = history.at(-1)?.["visit_date"];
  return typeof last === "string" ? { instances: [{ date: nextDay(last), history }] } : null;
}

/** Writes the sample request next to the run's summary; returns its path, or null without data. */
export async function writeSampleRequest(datasetPath: string, target: string): Promise<string | null> {
  const request = sampleRequest(await readFile(datasetPath, "utf8"));
  if (!request) return null;
  await writeFile(target, `${JSON.stringify(request, null, 2)}\n`, { flag: "wx" });
  return target;
}
