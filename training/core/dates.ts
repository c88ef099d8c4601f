// Calendar dates as whole days since 1970-01-01 (UTC arithmetic, so no daylight-saving surprises).

const MS_PER_DAY = 86_400_000;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const ZERO = 48; // "0"
const DASH = 45; // "-"

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The number of `length` ASCII digits at `start`, or -1. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = text.charCodeAt(i) - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** digits() of bytes: the endpoint reads dates straight from a request body's UTF-8. */
function byteDigits(bytes: Uint8Array, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = bytes[i]! - ZERO;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** The day number of year-month-day (each -1 when it was not digits), or undefined for no real date. */
function civilDay(year: number, month: number, day: number): number | undefined {
  if (year < 100 || month < 1 || month > 12 || day < 1) return undefined;
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return undefined;
  return daysFromCivil(year, month, day);
}

/**
 * Parses `YYYY-MM-DD` (surrounding white space allowed) into a day number, or returns undefined when it is not
 * a real calendar date. Years before 0100 are refused (Date.UTC, which this once used, reads them as 19xx).
 * Read digit by digit, without a regular expression or a Date: the endpoint parses every visit's date.
 */
export function parseDay(text: string): number | undefined {
  const trimmed = text.length === 10 ? text : text.trim();
  if (trimmed.length !== 10 || trimmed.charCodeAt(4) !== DASH || trimmed.charCodeAt(7) !== DASH) {
    return undefined;
  }
  return civilDay(digits(trimmed, 0, 4), digits(trimmed, 5, 2), digits(trimmed, 8, 2));
}

/** parseDay of the 10 bytes at `start`, read as ASCII (no surrounding white space: the caller has none). */
export function parseDayBytes(bytes: Uint8Array, start: number): number | undefined {
  if (bytes[start + 4] !== DASH || bytes[start + 7] !== DASH) return undefined;
  return civilDay(
    byteDigits(bytes, start, 4),
    byteDigits(bytes, start + 5, 2),
    byteDigits(bytes, start + 8, 2),
  );
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

/**
 * The calendar parts of a day number, by integer arithmetic (H. Hinnant's civil_from_days) rather than a
 * Date object: the endpoint computes them for every visit of every request.
 */
export function calendarParts(day: number): CalendarParts {
  const z = day + 719_468; // days since 0000-03-01, the start of a 400-year era
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153); // 0 = March
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  return {
    dayOfWeek: (((day + 3) % 7) + 7) % 7, // 1970-01-01 was a Thursday
    dayOfMonth: dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1,
    month,
    daysInMonth: month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!,
  };
}
