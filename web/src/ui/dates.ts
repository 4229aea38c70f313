/**
 * Calendar dates as the API sends them (YYYY-MM-DD). Only for placing marks
 * on a timeline and defaulting a form to today; deadlines and day counts come
 * from the server.
 */

export function dayNumber(date: string): number {
  const [y = 0, m = 1, d = 1] = date.split('-').map(Number);
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000);
}

/** Today in the browser's own calendar, YYYY-MM-DD. */
export function todayLocal(now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "15 Mar 2026": unambiguous in every locale, and no time zone can shift it. */
export function formatDate(date: string | undefined): string {
  if (!date) return '—';
  const [y, m, d] = date.split('-');
  const month = MONTHS[Number(m) - 1];
  return month && d && y ? `${Number(d)} ${month} ${y}` : date;
}
