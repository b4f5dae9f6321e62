// How times, countdowns and durations read on the console: 24-hour HH:MM in the site's time
// zone, countdowns as m:ss or h:mm:ss, warning leads as "5m, 1m".

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The time zone of the machine the console runs on (used until settings arrive). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Whether `zone` is an IANA time zone name this browser knows. */
export function isTimeZone(zone: string): boolean {
  if (!zone.trim()) return false;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function formatter(zone: string, withDate: boolean): Intl.DateTimeFormat {
  const key = `${zone}|${withDate ? 'd' : 't'}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions = {
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone: isTimeZone(zone) ? zone : systemTimeZone(),
    };
    if (withDate) Object.assign(options, { year: 'numeric', month: '2-digit', day: '2-digit' });
    f = new Intl.DateTimeFormat('en-GB', options);
    formatters.set(key, f);
  }
  return f;
}

/** An instant as 24-hour "HH:MM" in `zone`; "—" when missing or unreadable. */
export function formatTime(iso: string | null | undefined, zone: string): string {
  const ms = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) return '—';
  return formatter(zone, false).format(ms);
}

/** An instant as "YYYY-MM-DD HH:MM" in `zone`; "—" when missing or unreadable. */
export function formatDateTime(iso: string | null | undefined, zone: string): string {
  const ms = iso ? Date.parse(iso) : NaN;
  if (Number.isNaN(ms)) return '—';
  const parts = formatter(zone, true).formatToParts(ms);
  const get = (type: Intl.DateTimeFormatPartTypes) =>
    parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Time left until `endMs` at `nowMs`: "m:ss" below an hour, "h:mm:ss" above, "overdue" once
 * the end has passed. Seconds round up, so "0:00" never shows while time remains.
 */
export function formatCountdown(endMs: number, nowMs: number): string {
  const left = Math.ceil((endMs - nowMs) / 1000);
  if (left <= 0) return 'overdue';
  const h = Math.floor(left / 3600);
  const m = Math.floor((left % 3600) / 60);
  const s = left % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Warning leads in seconds as staff type them: [300, 60] → "5m, 1m". */
export function formatLeads(secs: number[]): string {
  return secs.map((s) => (s % 60 === 0 ? `${s / 60}m` : `${s}s`)).join(', ');
}

/**
 * Parses warning leads typed by staff ("5m, 1m", "90s", "2" for minutes) into seconds, longest
 * first. Returns an error sentence instead when a part cannot be read.
 */
export function parseLeads(text: string): { secs: number[] } | { error: string } {
  const parts = text
    .split(/[,;\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const secs: number[] = [];
  for (const part of parts) {
    const m = /^(\d+(?:\.\d+)?)(s|m|h)?$/i.exec(part);
    if (!m || m[1] === undefined) {
      return { error: `cannot read "${part}": write leads like "5m, 1m" or "90s"` };
    }
    const unit = (m[2] ?? 'm').toLowerCase();
    const value = Number(m[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1);
    if (!Number.isInteger(value) || value <= 0) {
      return { error: `"${part}" is not a whole number of seconds above zero` };
    }
    if (!secs.includes(value)) secs.push(value);
  }
  return { secs: secs.sort((a, b) => b - a) };
}

/** Compares PC names so that "PC-2" sorts before "PC-10". */
export const comparePcNames = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })
  .compare;

/** An end reason in words. */
export function reasonWords(reason: string | null | undefined): string {
  switch (reason) {
    case 'expired':
      return 'time ran out';
    case 'ended_by_staff':
      return 'ended by staff';
    case 'ended_by_user':
      return 'ended by the patron';
    case 'cancelled':
      return 'cancelled';
    case null:
    case undefined:
    case '':
      return '';
    default:
      return reason.replace(/_/g, ' ');
  }
}
