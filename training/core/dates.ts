// Calendar dates as whole days since 1970-01-01 (UTC arithmetic, so no daylight-saving surprises).

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** Parses `YYYY-MM-DD` into a day number, or returns undefined when it is not a real calendar date. */
export function parseDay(text: string): number | undefined {
  const match = DATE_PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return Math.round(ms / MS_PER_DAY);
}

export function formatDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

export interface CalendarParts {
  /** 0 = Monday … 6 = Sunday (ISO order, so the weekend is 5 and 6). */
  dayOfWeek: number;
  /** 1..31 */
  dayOfMonth: number;
  /** 1..12 */
  month: number;
  /** Days in this month (28..31), to put the day of the month on a circle. */
  daysInMonth: number;
}

export function calendarParts(day: number): CalendarParts {
  const date = new Date(day * MS_PER_DAY);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  return {
    dayOfWeek: (date.getUTCDay() + 6) % 7,
    dayOfMonth: date.getUTCDate(),
    month: month + 1,
    daysInMonth: new Date(Date.UTC(year, month + 1, 0)).getUTCDate(),
  };
}
