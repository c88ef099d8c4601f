// Generated /invocations bodies (parsed JSON values) for the request checks' tests: mostly valid, with each
// kind of wrong value now and then (missing, null, another type, out of range, out of order), so that valid
// and broken requests are both common.
import fc from "fast-check";
import { formatDay, parseDay } from "../core/dates";

const BASE_DAY = parseDay("2024-03-01") ?? 0;

/** A field's value: mostly valid, sometimes each kind of wrong (missing, null, other type, out of range). */
const oneOf = <T, W>(valid: fc.Arbitrary<T>, wrong: readonly W[], odds = 200): fc.Arbitrary<T | W> =>
  fc.oneof({ weight: odds, arbitrary: valid }, { weight: 1, arbitrary: fc.constantFrom(...wrong) });
// [] is also an empty history or instance list.
const WRONG_ANY = [undefined, null, "5", true, [], {}];
const count = oneOf(fc.integer({ min: 0, max: 1 }), [...WRONG_ANY, -1, 2.5, 100_001, 1e300, -0.5]);
const WRONG_HOURS = [...WRONG_ANY, 24, -1, 7.5, 1e300, 0, 23];
// Valid first hours lie before valid last hours; the wrong values include hours in the wrong order.
const firstHour = oneOf(fc.integer({ min: 0, max: 11 }), WRONG_HOURS);
const lastHour = oneOf(fc.integer({ min: 12, max: 23 }), WRONG_HOURS);

/** A history entry on `day` (a visit_date that is sometimes broken). */
const visit = (day: number) =>
  fc.record({
    user_id: oneOf(fc.constantFrom(undefined, "u1", " u2 "), [null, "  ", 5]),
    visit_date: oneOf(fc.constant(formatDay(day)), [
      ...WRONG_ANY,
      "2024-02-30",
      ` ${formatDay(day)} `,
      "1999-12-31",
      "0050-01-01",
      "",
      formatDay(day + 400),
    ]),
    time_spent_sec: oneOf(fc.double({ min: 0, max: 5000, noNaN: true }), [
      ...WRONG_ANY,
      -1,
      86_401,
      Infinity,
    ]),
    page_views: oneOf(fc.integer({ min: 6, max: 20 }), [...WRONG_ANY, 0, -3, 1.5, 100_001]),
    type1_views: count,
    type2_views: count,
    type3_views: count,
    type4_views: count,
    first_hour: firstHour,
    last_hour: lastHour,
    hours_visited: oneOf(fc.integer({ min: 1, max: 3 }), [...WRONG_ANY, 0, 25, 1.5, 24]),
    platform: oneOf(fc.constantFrom("ios", "Android", " WEB ", "smart-tv"), [undefined, null, 3]),
  });

/** An instance: increasing visit days before `date` (sometimes out of order, or too far back). */
const instance = fc
  .tuple(
    fc.array(oneOf(fc.integer({ min: 1, max: 5 }), [0, -1], 40), { minLength: 1, maxLength: 6 }),
    oneOf(fc.integer({ min: 1, max: 300 }), [367, 400], 40),
  )
  .chain(([gaps, after]) => {
    const days: number[] = [];
    let day = BASE_DAY;
    for (const gap of gaps) days.push((day += gap));
    const target = day + after;
    return oneOf(
      fc.record({
        date: oneOf(
          fc.constant(formatDay(target)),
          [...WRONG_ANY, "2024-13-01", "2100-01-02", "1999-01-01"],
          40,
        ),
        history: oneOf(fc.tuple(...days.map(visit)), [...WRONG_ANY, "x"], 40),
      }),
      [...WRONG_ANY, "instance"],
      40,
    );
  });

/** A request body: valid about half the time. */
export const requestBody = oneOf(
  fc.record({ instances: oneOf(fc.array(instance, { minLength: 1, maxLength: 4 }), WRONG_ANY, 40) }),
  [...WRONG_ANY, "body"],
  40,
);
