/**
 * Calendar dates without time zones. At the edges a date is an ISO string
 * "YYYY-MM-DD" (which also sorts correctly as text); inside the engine it is
 * an epoch-day integer, so hot loops compare integers. Conversions use the
 * proleptic Gregorian civil-from-days algorithm; tests cross-check every
 * function against Temporal.PlainDate.
 */

export type IsoDate = string;
export type EpochDay = number;

export function isIsoDate(text: string): boolean {
  return readIsoDate(text) !== undefined;
}

/**
 * The epoch day a YYYY-MM-DD calendar date names, or undefined when the text is not one. Read
 * digit by digit: this runs for every stored date a re-evaluation reads.
 */
function readIsoDate(text: string): EpochDay | undefined {
  if (text.length !== 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return undefined;
  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 7);
  const day = digitsAt(text, 8, 10);
  // Year 0 does not exist in the calendar PostgreSQL stores (1 BC is followed by AD 1).
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return epochDayOf(year, month, day);
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (MONTH_DAYS[month - 1] ?? 0);
}

/** Days since 1970-01-01 for a civil date. */
export function epochDayOf(year: number, month: number, day: number): EpochDay {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface Civil {
  year: number;
  month: number;
  day: number;
}

export function civilOf(epochDay: EpochDay): Civil {
  const z = epochDay + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

export function toEpochDay(iso: IsoDate): EpochDay {
  const day = readIsoDate(iso);
  if (day === undefined) throw new RangeError(`"${iso}" is not a calendar date (YYYY-MM-DD)`);
  return day;
}

/** The number written in text[from, to), or -1 when a character there is not an ASCII digit. */
function digitsAt(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

export function toIsoDate(epochDay: EpochDay): IsoDate {
  const { year, month, day } = civilOf(epochDay);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Adds calendar months, clamping to the month's last day (Feb 29 + 24 months → Feb 28). */
export function addMonths(epochDay: EpochDay, months: number): EpochDay {
  const { year, month, day } = civilOf(epochDay);
  const index = year * 12 + (month - 1) + months;
  const y = Math.floor(index / 12);
  const m = (index % 12) + 1;
  return epochDayOf(y, m, Math.min(day, daysInMonth(y, m)));
}

export function endOfMonth(epochDay: EpochDay): EpochDay {
  const { year, month } = civilOf(epochDay);
  return epochDayOf(year, month, daysInMonth(year, month));
}

export function yearOf(epochDay: EpochDay): number {
  return civilOf(epochDay).year;
}

/** Whole calendar months from a to b, counting a month only when its day is reached. */
export function monthsBetween(a: EpochDay, b: EpochDay): number {
  const ca = civilOf(a);
  const cb = civilOf(b);
  let months = (cb.year - ca.year) * 12 + (cb.month - ca.month);
  if (months > 0 && cb.day < ca.day) months -= 1;
  if (months < 0 && cb.day > ca.day) months += 1;
  return months;
}

export function addDaysIso(iso: IsoDate, days: number): IsoDate {
  return toIsoDate(toEpochDay(iso) + days);
}

/** The calendar date of an instant in UTC (servers: the same day for every process). */
export function utcDateOf(instant: Date): IsoDate {
  return instant.toISOString().slice(0, 10);
}

/** The calendar date of an instant where the user is (the CLI: the machine's local time zone). */
export function localDateOf(instant: Date): IsoDate {
  return toIsoDate(epochDayOf(instant.getFullYear(), instant.getMonth() + 1, instant.getDate()));
}
