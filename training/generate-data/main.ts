// `npm run generate-data -- --users N --days D --seed S --out FILE`: simulated raw hits (CSV or Parquet).
import { type Command, parseIntegerOption, runCommand } from "../runtime/entry";
import { InputError } from "../runtime/errors";
import { log } from "../runtime/log";
import { simulateHits, simulateUserHits } from "./simulate";
import { writeCsvBlocks, writeHits } from "./write";

const options = {
  users: { type: "string" },
  days: { type: "string" },
  seed: { type: "string" },
  out: { type: "string" },
  start: { type: "string" },
  malformed: { type: "string" },
} as const;

export const generateDataCommand: Command<typeof options> = {
  name: "generate-data",
  options,
  help: `
Usage: npm run generate-data -- --out FILE [--users N] [--days D] [--seed S] [--start YYYY-MM-DD] [--malformed M]

Writes simulated raw page hits (user_id, event_time, page_type, time_spent_sec, platform) to FILE:
CSV, or Parquet when FILE ends in .parquet. Deterministic for a seed. See training/README.md for
what is simulated (weekday/weekend habits, skipped days, sessions, drift, platforms, noise).

  --out FILE        output file (required)
  --users N         number of users (default 200)
  --days D          number of days (default 120)
  --seed S          random seed (default 1)
  --start DATE      first day (default 2024-01-01)
  --malformed M     also write M rows that break the raw-hits contract (default 0)
`,
  async run(values) {
    if (!values.out) throw new InputError("--out FILE is required (a .csv or .parquet path)");
    const started = Date.now();
    const options = {
      users: parseIntegerOption("users", values.users, 200, 1, 1_000_000),
      days: parseIntegerOption("days", values.days, 120, 1, 3650),
      seed: parseIntegerOption("seed", values.seed, 1, 0, 2 ** 32 - 1),
      startDate: values.start ?? "2024-01-01",
      malformed: parseIntegerOption("malformed", values.malformed, 0, 0, 1_000_000),
    };
    let rows: number;
    if (options.malformed === 0 && !values.out.toLowerCase().endsWith(".parquet")) {
      // Clean CSV: written user by user, so that memory does not grow with the number of hits.
      rows = writeCsvBlocks(values.out, simulateUserHits(options));
    } else {
      const hits = simulateHits(options);
      await writeHits(values.out, hits, options.malformed === 0);
      rows = hits.length;
    }
    log("info", "raw hits written", { out: values.out, rows, durationMs: Date.now() - started });
  },
};

if (require.main === module) {
  void runCommand(generateDataCommand, process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
