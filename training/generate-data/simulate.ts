// Simulated raw page hits with habits a model can learn and the mess real data has. Per user:
// - a chronotype (early bird, commuter, midday, evening, night owl whose sessions cross midnight) that sets
//   the hour of the first session, a weekend shift (usually later), and small per-weekday offsets;
// - visit probabilities that differ between weekdays and weekends, and absences of several days;
// - slow drift of the habit over the period, and for some users one abrupt change (a new job);
// - day-to-day noise, and now and then an off-habit session at a random waking hour;
// - several sessions on some days, each with several hits of page types 0..4 and time spent;
// - a platform mix (ios, android, web, other spellings) with a secondary device for some users.
import { calendarParts, formatDay, parseDay } from "../core/dates";
import { normal, type Random, seededRandom } from "../core/random";

export interface RawHit {
  user_id: string;
  /** `YYYY-MM-DD HH:MM:SS`, the user's local time. */
  event_time: string;
  /** "0".."4", or "" for other pages. */
  page_type: string;
  time_spent_sec: string;
  platform: string;
}

export interface SimulationOptions {
  users: number;
  days: number;
  seed: number;
  /** First simulated day, `YYYY-MM-DD`. */
  startDate: string;
  /** Rows that break the raw-hits contract, mixed in on request (for tests of bad input). */
  malformed: number;
}

const CHRONOTYPES = [
  { name: "early", centre: 6.5, activeHours: 15, weight: 0.2 },
  { name: "commuter", centre: 8, activeHours: 14, weight: 0.25 },
  { name: "midday", centre: 12.5, activeHours: 10, weight: 0.15 },
  { name: "evening", centre: 19.5, activeHours: 4.5, weight: 0.25 },
  { name: "night_owl", centre: 23, activeHours: 3, weight: 0.15 },
] as const;

const PLATFORM_MIX = [
  { spellings: ["ios", "iOS", "IOS"], weight: 0.45 },
  { spellings: ["android", "Android"], weight: 0.38 },
  { spellings: ["web", "Web"], weight: 0.13 },
  { spellings: ["smart-tv", "tablet_app"], weight: 0.04 },
] as const;

interface UserProfile {
  id: string;
  centre: number;
  /** Later sessions of a day fall within this many hours after the first (into the night for owls). */
  activeHours: number;
  weekendShift: number;
  weekdayOffsets: number[];
  noise: number;
  offHabitRate: number;
  pWeekday: number;
  pWeekend: number;
  absenceRate: number;
  driftPerDay: number;
  change: { day: number; shift: number } | undefined;
  extraSessions: number;
  hitsPerSession: number;
  pageWeights: number[];
  primary: readonly string[];
  secondary: readonly string[] | undefined;
}

function pick<T extends { weight: number }>(items: readonly T[], random: Random): T {
  let r = random() * items.reduce((sum, item) => sum + item.weight, 0);
  for (const item of items) {
    r -= item.weight;
    if (r <= 0) return item;
  }
  return items[items.length - 1] as T;
}

const uniform = (random: Random, low: number, high: number) => low + (high - low) * random();

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let product = random();
  let count = 0;
  while (product > limit) {
    product *= random();
    count++;
  }
  return count;
}

function makeProfile(index: number, days: number, random: Random): UserProfile {
  const chronotype = pick(CHRONOTYPES, random);
  const primary = pick(PLATFORM_MIX, random).spellings;
  const secondaryMix = pick(PLATFORM_MIX, random).spellings;
  return {
    id: `user_${String(index + 1).padStart(5, "0")}`,
    centre: chronotype.centre + normal(random, 0, 0.8),
    activeHours: chronotype.activeHours,
    weekendShift: random() < 0.8 ? normal(random, 1.8, 0.8) : normal(random, -1.5, 0.7),
    weekdayOffsets: Array.from({ length: 5 }, () => normal(random, 0, 0.6)),
    noise: uniform(random, 0.4, 1.1),
    offHabitRate: uniform(random, 0.02, 0.08),
    pWeekday: uniform(random, 0.45, 0.95),
    pWeekend: uniform(random, 0.3, 0.9),
    absenceRate: uniform(random, 0, 0.03),
    driftPerDay: normal(random, 0, 1.5) / Math.max(days, 1),
    change:
      random() < 0.15
        ? {
            day: Math.floor(uniform(random, 0.3, 0.8) * days),
            shift: (random() < 0.5 ? -1 : 1) * uniform(random, 2, 4),
          }
        : undefined,
    extraSessions: uniform(random, 0.2, 1.8),
    hitsPerSession: uniform(random, 1, 6),
    pageWeights: Array.from({ length: 5 }, () => random() + 0.1),
    primary,
    secondary: random() < 0.25 ? secondaryMix : undefined,
  };
}

/** Centre of the user's first-session hour on day `d` (0-based in the period). */
function habitHour(user: UserProfile, d: number, weekday: number): number {
  const weekend = weekday >= 5;
  let hour = user.centre + user.driftPerDay * d;
  hour += weekend ? user.weekendShift : (user.weekdayOffsets[weekday] ?? 0);
  if (user.change && d >= user.change.day) hour += user.change.shift;
  return hour;
}

const two = (n: number) => String(n).padStart(2, "0");

function timestamp(startDay: number, absoluteSeconds: number): string {
  const dayOffset = Math.floor(absoluteSeconds / 86_400);
  const seconds = absoluteSeconds - dayOffset * 86_400;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return `${formatDay(startDay + dayOffset)} ${two(h)}:${two(m)}:${two(s)}`;
}

function simulateUser(
  user: UserProfile,
  options: SimulationOptions,
  startDay: number,
  random: Random,
  out: RawHit[],
) {
  let absentUntil = -1;
  for (let d = 0; d < options.days; d++) {
    if (d < absentUntil) continue;
    if (random() < user.absenceRate) {
      absentUntil = d + 2 + Math.floor(random() * 9);
      continue;
    }
    const weekday = calendarParts(startDay + d).dayOfWeek;
    if (random() >= (weekday >= 5 ? user.pWeekend : user.pWeekday)) continue;
    let firstHour = habitHour(user, d, weekday) + normal(random, 0, user.noise);
    if (random() < user.offHabitRate) firstHour = uniform(random, 6, 23.5);
    // Seconds since the start of the period; the night owls' sessions cross into the next calendar day.
    let clock = Math.max(0, (d * 24 + firstHour) * 3600);
    const dayEnd = clock + user.activeHours * 3600;
    const sessions = 1 + poisson(random, user.extraSessions);
    for (let s = 0; s < sessions && clock < dayEnd; s++) {
      const platforms = user.secondary && random() < 0.3 ? user.secondary : user.primary;
      const platform = platforms[Math.floor(random() * platforms.length)] ?? "ios";
      const hits = 1 + poisson(random, user.hitsPerSession);
      for (let h = 0; h < hits; h++) {
        const pageType = pick(
          user.pageWeights.map((weight, type) => ({ weight, type })),
          random,
        ).type;
        const spent = Math.round(Math.exp(normal(random, 3.4, 1)) * 10) / 10;
        out.push({
          user_id: user.id,
          event_time: timestamp(startDay, clock),
          page_type: pageType === 0 && random() < 0.5 ? "" : String(pageType),
          time_spent_sec: String(spent),
          platform,
        });
        clock += spent + uniform(random, 1, 20);
      }
      // Next session: an exponential gap scaled so the day's sessions spread over the active hours.
      clock +=
        (0.25 - Math.log(Math.max(random(), 1e-9)) * (user.activeHours / (1 + user.extraSessions))) * 3600;
    }
  }
}

const MALFORMED: ((hit: RawHit) => RawHit)[] = [
  (hit) => ({ ...hit, event_time: "2024-13-45 25:61:00" }),
  (hit) => ({ ...hit, time_spent_sec: "-12" }),
  (hit) => ({ ...hit, page_type: "9" }),
  (hit) => ({ ...hit, user_id: "" }),
  (hit) => ({ ...hit, time_spent_sec: "lots" }),
];

/** Each user's hits in turn, ordered by time; deterministic for a seed (no malformed rows). */
export function* simulateUserHits(
  options: SimulationOptions,
  random = seededRandom(options.seed),
): Generator<RawHit[]> {
  const startDay = parseDay(options.startDate);
  if (startDay === undefined) throw new Error(`startDate must be YYYY-MM-DD, got "${options.startDate}"`);
  for (let i = 0; i < options.users; i++) {
    // A generator per user: adding users does not change the existing users' data.
    const userRandom = seededRandom(Math.floor(random() * 2 ** 32));
    const hits: RawHit[] = [];
    simulateUser(makeProfile(i, options.days, userRandom), options, startDay, userRandom, hits);
    yield hits;
  }
}

/** All hits, ordered by user and time, with `malformed` contract-breaking rows; deterministic for a seed. */
export function simulateHits(options: SimulationOptions): RawHit[] {
  const random = seededRandom(options.seed);
  const hits: RawHit[] = [];
  for (const userHits of simulateUserHits(options, random)) {
    for (const hit of userHits) hits.push(hit);
  }
  for (let i = 0; i < options.malformed && hits.length > 0; i++) {
    const at = Math.floor(random() * hits.length);
    const base = hits[at] as RawHit;
    hits.splice(at + 1, 0, (MALFORMED[i % MALFORMED.length] as (hit: RawHit) => RawHit)(base));
  }
  return hits;
}
