// Go's time text where sops depends on it: `lastmodified` (RFC 3339, the
// additional data of the MAC after time.Parse + Format), YAML timestamps
// (go-yaml's accepted layouts) and the `time` value type (MarshalText,
// RFC 3339 with nanoseconds). Times keep their written UTC offset, as Go does.
import { SopsTime } from "./tree.js";

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Fraction digits as written (up to nine). */
  frac: string;
  /** Offset in minutes, 0 for Z. */
  offset: number;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function valid(p: Parts): boolean {
  return p.month >= 1 && p.month <= 12 && p.day >= 1 && p.day <= daysIn(p.year, p.month) && p.hour < 24 && p.minute < 60 && p.second < 60 && Math.abs(p.offset) < 24 * 60;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");

function zone(offset: number): string {
  if (offset === 0) return "Z";
  const a = Math.abs(offset);
  return `${offset < 0 ? "-" : "+"}${pad(Math.floor(a / 60))}:${pad(a % 60)}`;
}

function fmt(p: Parts, withFraction: boolean): string {
  const frac = withFraction ? p.frac.replace(/0+$/, "") : "";
  return `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${frac ? "." + frac : ""}${zone(p.offset)}`;
}

function offsetOf(z: string | undefined): number {
  if (z === undefined || z === "Z" || z === "z") return 0;
  const m = /^([+-])(\d\d):(\d\d)$/.exec(z)!;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

function parts(m: RegExpExecArray, offsetText: string | undefined): Parts | null {
  const p: Parts = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    frac: (m[7] ?? "").slice(0, 9),
    offset: offsetOf(offsetText),
  };
  return valid(p) ? p : null;
}

const RFC3339 = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?(Z|[+-]\d\d:\d\d)$/;

/**
 * time.Parse(time.RFC3339, s).Format(time.RFC3339): the additional data sops
 * encrypts the MAC with. Null when Go would fail to parse it.
 */
export function normalizeRfc3339(s: string): string | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const p = parts(m, m[8]);
  return p ? fmt(p, false) : null;
}

/** `lastmodified` for a new MAC: now, UTC, whole seconds. */
export function formatLastModified(now: Date): string {
  return now.toISOString().replace(/\.\d+Z$/, "Z");
}

/** time.Time.UnmarshalText then MarshalText: the canonical text of a `time` value. */
export function parseTimeValue(s: string): SopsTime | null {
  const m = RFC3339.exec(s);
  if (!m) return null;
  const p = parts(m, m[8]);
  return p ? new SopsTime(fmt(p, true)) : null;
}

// go-yaml resolve.go allowedTimestampFormats: RFC 3339 with one- or two-digit
// month, day and time fields (T or t), the same space-separated without a
// zone (UTC), and a bare date. Go's layout fields "1", "2", "15", "4", "5".
const YAML_TS = [
  /^(\d{4})-(\d\d?)-(\d\d?)[Tt](\d\d?):(\d\d?):(\d\d?)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/,
  /^(\d{4})-(\d\d?)-(\d\d?) (\d\d?):(\d\d?):(\d\d?)(?:\.(\d+))?()$/,
  /^(\d{4})-(\d\d?)-(\d\d?)()()()()()$/,
];

/** A plain YAML scalar go-yaml decodes as a timestamp, or null. */
export function parseYamlTimestamp(s: string): SopsTime | null {
  for (const re of YAML_TS) {
    const m = re.exec(s);
    if (!m) continue;
    const p = parts(m, m[8] || undefined);
    if (p) return new SopsTime(fmt(p, true));
  }
  return null;
}
