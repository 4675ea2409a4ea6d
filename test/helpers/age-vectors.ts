// C2SP test-kit vector files: a `key: value` header, an empty line, the file.
import { inflateSync } from "node:zlib";

export interface Vector {
  name: string;
  expect: string;
  payload?: string;
  identities: string[];
  passphrases: string[];
  armored: boolean;
  file: Uint8Array;
}

export function parseVector(name: string, raw: Buffer): Vector {
  const split = raw.indexOf("\n\n");
  const head = raw.subarray(0, split).toString("utf8");
  const v: Vector = { name, expect: "", identities: [], passphrases: [], armored: false, file: new Uint8Array(raw.subarray(split + 2)) };
  let compressed = false;
  for (const line of head.split("\n")) {
    const i = line.indexOf(": ");
    const key = line.slice(0, i);
    const value = line.slice(i + 2);
    if (key === "expect") v.expect = value;
    else if (key === "payload") v.payload = value;
    else if (key === "identity") v.identities.push(value);
    else if (key === "passphrase") v.passphrases.push(value);
    else if (key === "armored") v.armored = value === "yes";
    else if (key === "compressed") compressed = value === "zlib";
  }
  if (compressed) v.file = new Uint8Array(inflateSync(v.file));
  return v;
}

