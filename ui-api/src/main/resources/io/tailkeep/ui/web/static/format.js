// Durations and times as people read them.

/** 1.25s, 340ms, 12.5µs, 800ns; minutes and hours past a minute. */
export function formatDuration(nanos) {
  const n = Number(nanos);
  if (!Number.isFinite(n) || n <= 0) return '0';
  if (n >= 3_600e9) return `${Math.floor(n / 3_600e9)}h ${Math.round((n % 3_600e9) / 60e9)}m`;
  if (n >= 60e9) return `${Math.floor(n / 60e9)}m ${Math.round((n % 60e9) / 1e9)}s`;
  if (n >= 1e9) return `${short(n / 1e9)}s`;
  if (n >= 1e6) return `${short(n / 1e6)}ms`;
  if (n >= 1e3) return `${short(n / 1e3)}µs`;
  return `${n}ns`;
}

function short(x) {
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  return String(Number(x.toFixed(digits)));
}

/** Milliseconds since the epoch from the APIs' decimal nanosecond strings. */
export function unixNanoToMillis(text) {
  return Number(BigInt(text) / 1_000_000n);
}

/** Local date and time with milliseconds, e.g. 2025-03-01 13:00:00.123. */
export function formatTime(millis) {
  const d = new Date(millis);
  const pad = (v, width = 2) => String(v).padStart(width, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} `
    + `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/** "3 min 20 s ago"-style age, for reload times. */
export function formatAge(millis, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - millis) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

/** A sampling probability as a percentage: 1 → 100 %, 0.01 → 1 %. */
export function formatProbability(p) {
  return `${Number((p * 100).toPrecision(3))} %`;
}

/** Services are coloured by class (color-0 … color-11 in style.css), stable within one trace. */
export const COLOR_COUNT = 12;

export function serviceColorClasses(services) {
  const classes = new Map();
  services.forEach((service, i) => classes.set(service, `color-${i % COLOR_COUNT}`));
  return classes;
}

/** A count with its thousands apart, as people read big numbers: 25 710 (no-break spaces). */
export function formatCount(n) {
  return String(Math.round(Number(n))).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
}

/** Requests per second: 12/s, 0.33/s, 0.0042/s; "0/s" when none. */
export function formatRate(perSecond) {
  const n = Number(perSecond);
  if (!Number.isFinite(n) || n <= 0) return '0/s';
  if (n >= 1000) return `${formatCount(n)}/s`;
  return `${Number(n.toPrecision(2))}/s`;
}

/** A ratio as a percentage with one decimal below 10 %: 0.048 → 4.8 %; null (nothing counted) → –. */
export function formatPercent(ratio) {
  if (ratio === null || ratio === undefined || !Number.isFinite(Number(ratio))) return '–';
  const percent = Number(ratio) * 100;
  if (percent === 0) return '0 %';
  if (percent < 0.1) return '< 0.1 %';
  return `${Number(percent.toFixed(percent < 10 ? 1 : 0))} %`;
}

/** A latency quantile the traffic API gives in milliseconds; null (nothing counted) → –. */
export function formatMillis(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(Number(ms))) return '–';
  return formatDuration(Math.round(Number(ms) * 1e6));
}

/** Local hours and minutes, for chart axes: 13:05. */
export function formatClock(millis) {
  const d = new Date(millis);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}
