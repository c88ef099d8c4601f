import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import fc from "fast-check";
import { formatDay, parseDay } from "../core/dates";
import { readExamples } from "../test-support/examples";
import { generatedDailyVisits, tempDir } from "../test-support/fixtures";
import { splitByTime } from "./examples";
import { DEFAULT_PREPROCESS_OPTIONS, preprocess } from "./preprocess";

describe("time-based split", () => {
  it("puts every train day before validation and every validation day before test", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 19_000, max: 19_400 }), { minLength: 1, maxLength: 200 }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        fc.double({ min: 0.01, max: 0.5, noNaN: true }),
        (days, validationFraction, testFraction) => {
          const split = splitByTime(
            days.map((day) => ({ day })),
            { validationFraction, testFraction },
          );
          const validationStart = parseDay(split.boundaries.validationStart)!;
          const testStart = parseDay(split.boundaries.testStart)!;
          assert.equal(split.train.length + split.validation.length + split.test.length, days.length);
          assert.ok(split.train.every((item) => item.day < validationStart));
          assert.ok(split.validation.every((item) => item.day >= validationStart && item.day < testStart));
          assert.ok(split.test.every((item) => item.day >= testStart));
          assert.ok(
            split.test.some((item) => item.day === Math.max(...days)),
            "the latest day is in test",
          );
        },
      ),
    );
  });
});

describe("preprocess on generated data", () => {
  let dir: string;
  let csv: string;
  before(async () => {
    dir = tempDir();
    csv = await generatedDailyVisits(join(dir, "input"), { users: 12, days: 70, seed: 3 });
  });

  it("writes splits with no leakage from later periods", async () => {
    const output = join(dir, "out");
    const report = await preprocess({ input: csv, output, ...DEFAULT_PREPROCESS_OPTIONS });
    const train = readExamples(output, "train");
    const validation = readExamples(output, "validation");
    const test = readExamples(output, "test");
    assert.deepEqual(report.examples, {
      train: train.length,
      validation: validation.length,
      test: test.length,
    });
    const latestTrain = train
      .map((e) => e.date)
      .sort()
      .at(-1)!;
    assert.ok(latestTrain < report.boundaries.validationStart);
    assert.ok(
      validation.every(
        (e) => e.date >= report.boundaries.validationStart && e.date < report.boundaries.testStart,
      ),
    );
    assert.ok(test.every((e) => e.date >= report.boundaries.testStart));
    // The sequence only holds visits before the target day: log(1 + days before) >= log 2 for real steps.
    const beforeIndex = report.stepColumns.indexOf("log_days_before_target");
    const presentIndex = report.stepColumns.indexOf("present");
    for (const example of [...train, ...validation, ...test]) {
      for (const step of example.sequence) {
        if (step[presentIndex] === 1) assert.ok(step[beforeIndex]! >= Math.log(2) - 1e-4);
      }
    }
  });

  it("does not let test-period data change the train split or the normalisation", async () => {
    const first = join(dir, "first");
    const report = await preprocess({ input: csv, output: first, ...DEFAULT_PREPROCESS_OPTIONS });
    // Rewrite every visit of the test period (time spent ×100, hours shifted) and preprocess again.
    const lines = readFileSync(csv, "utf8").trimEnd().split("\n");
    const header = lines[0]!.split(",");
    const col = (name: string) => header.indexOf(name);
    const altered = lines.map((line, i) => {
      const cells = line.split(",");
      if (i === 0 || cells[col("visit_date")]! < report.boundaries.testStart) return line;
      cells[col("time_spent_sec")] = String(Number(cells[col("time_spent_sec")]) * 100);
      cells[col("first_hour")] = "0";
      cells[col("last_hour")] = "23";
      return cells.join(",");
    });
    const alteredCsv = join(dir, "altered.csv");
    writeFileSync(alteredCsv, `${altered.join("\n")}\n`);
    const second = join(dir, "second");
    await preprocess({ input: alteredCsv, output: second, ...DEFAULT_PREPROCESS_OPTIONS });
    for (const file of ["train-rows.u32", "train-firsts.u32", "validation-rows.u32", "normalisation.json"]) {
      assert.deepEqual(readFileSync(join(second, file)), readFileSync(join(first, file)), file);
    }
    for (const split of ["train", "validation"] as const) {
      assert.deepEqual(readExamples(second, split), readExamples(first, split), split);
    }
    assert.notDeepEqual(readExamples(second, "test"), readExamples(first, "test"));
  });

  it("fails with zero usable examples, naming the problem", async () => {
    const tiny = join(dir, "tiny.csv");
    const lines = readFileSync(csv, "utf8").trimEnd().split("\n").slice(0, 3);
    writeFileSync(tiny, `${lines.join("\n")}\n`);
    await assert.rejects(
      preprocess({ input: tiny, output: join(dir, "tiny-out"), ...DEFAULT_PREPROCESS_OPTIONS }),
      /zero usable examples: no user has more than 3 visits/,
    );
    const allBad = join(dir, "all-bad.csv");
    writeFileSync(allBad, `${lines[0]}\nu1,2024-01-01,10,1,0,0,0,0,24,24,1,ios,0,0\n`);
    await assert.rejects(
      preprocess({ input: allBad, output: join(dir, "bad-out"), ...DEFAULT_PREPROCESS_OPTIONS }),
      /zero usable daily visits .*every row was rejected \(\{"first_hour: must be 0\.\.23":1\}\)/,
    );
    const fewDays = join(dir, "few-days.csv");
    const start = parseDay("2024-01-01")!;
    const user = (d: number) => `u1,${formatDay(start + d)},10,1,0,0,0,0,8,8,1,ios,0,0`;
    writeFileSync(fewDays, `${lines[0]}\n${[0, 1, 2, 3].map(user).join("\n")}\n`);
    await assert.rejects(
      preprocess({ input: fewDays, output: join(dir, "few-out"), ...DEFAULT_PREPROCESS_OPTIONS }),
      /zero usable examples in the train split/,
    );
  });
});
