// Every word the user reads goes through here: `nixsec: error: …` and
// `nixsec: hint: …` on stderr, colour only on a TTY and never with NO_COLOR.
import type { Io } from "./io.js";

export interface Style {
  red(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

export function useColour(io: Io): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return Boolean(io.stderr.isTTY) && io.env.TERM !== "dumb";
}

export function style(io: Io): Style {
  const on = useColour(io);
  const wrap = (code: string) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
  return { red: wrap("31"), yellow: wrap("33"), dim: wrap("2"), bold: wrap("1") };
}

export function printError(io: Io, message: string, hints: string[] = []): void {
  const st = style(io);
  io.stderr.write(`nixsec: ${st.red("error:")} ${message}\n`);
  for (const h of hints) io.stderr.write(`nixsec: ${st.yellow("hint:")} ${h}\n`);
}

export function printWarning(io: Io, message: string): void {
  io.stderr.write(`nixsec: ${style(io).yellow("warning:")} ${message}\n`);
}

export function printInfo(io: Io, message: string): void {
  io.stderr.write(`nixsec: ${message}\n`);
}

/** Whether bytes look like text a terminal can show (age's rule: refuse binary). */
export function isPrintable(b: Uint8Array): boolean {
  const sample = b.subarray(0, 1024);
  for (const c of sample) {
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x20 || c === 0x7f) return false;
  }
  return true;
}
