#!/usr/bin/env node
// age-plugin-fake: a TEST plugin that drives every path of nixsec's plugin
// client (C2SP age-plugin.md). Its "crypto" is a toy (the file key XOR the
// key's first 16 bytes): it exists to exercise the protocol, never to
// protect anything.
//
//   recipient  age1fake1<32 bytes K>        identity  AGE-PLUGIN-FAKE-1<K>
//   stanza     -> fake <b64 sha256(K)[:4]>  body: fileKey XOR K[:16]
//   -j fake    (no data) stands for K = sha256("fake-default")
//
// FAKE_PLUGIN_MODE (comma-separated) picks what it does in phase 2:
//   msg, confirm, public, secret (expects "1234"), unknown (an unknown
//   command; the client must answer "unsupported"), error-identity,
//   error-internal, error-stanza, crash, hang, garbage, labels=a+b, slow=MS
// FAKE_PLUGIN_LOG: a file that gets one line per start ("identity-v1 3 files").
import { createHash } from "node:crypto";
import { appendFileSync } from "node:fs";
import { bech32 } from "@scure/base";

const modes = new Map((process.env.FAKE_PLUGIN_MODE ?? "").split(",").filter(Boolean).map((m) => [m.split("=")[0], m.split("=")[1] ?? ""]));
const sm = (process.argv.find((a) => a.startsWith("--age-plugin=")) ?? "").slice("--age-plugin=".length);
const DEFAULT_KEY = createHash("sha256").update("fake-default").digest();

// --- the stanza wire format, just enough for a test ---------------------
const lines = [];
let waiting = null;
let buf = "";
process.stdin.on("data", (d) => {
  buf += d.toString("latin1");
  let i;
  while ((i = buf.indexOf("\n")) >= 0) {
    lines.push(buf.slice(0, i));
    buf = buf.slice(i + 1);
  }
  waiting?.();
});
process.stdin.on("end", () => {
  lines.push(null);
  waiting?.();
});
async function line() {
  while (lines.length === 0) await new Promise((r) => (waiting = r));
  waiting = null;
  return lines.shift();
}
async function readStanza() {
  const head = await line();
  if (head === null) throw new Error("client closed the connection");
  if (!head.startsWith("-> ")) throw new Error(`bad line from client: ${head}`);
  let body = "";
  for (;;) {
    const l = await line();
    if (l === null) throw new Error("client closed mid-stanza");
    body += l;
    if (l.length < 64) break;
  }
  const [command, ...args] = head.slice(3).split(" ");
  return { command, args, body: Buffer.from(body, "base64") };
}
function b64(b) {
  return Buffer.from(b).toString("base64").replace(/=+$/, "");
}
function write(command, args = [], body = Buffer.alloc(0)) {
  let s = `-> ${[command, ...args].join(" ")}\n`;
  const t = b64(body);
  for (let i = 0; i < t.length; i += 64) s += t.slice(i, i + 64) + "\n";
  if (t.length % 64 === 0) s += "\n";
  process.stdout.write(s);
}
async function expect(...commands) {
  const s = await readStanza();
  if (!commands.includes(s.command)) die(`expected ${commands.join("/")}, got ${s.command}`);
  return s;
}
function die(msg) {
  process.stderr.write(`fake: ${msg}\n`);
  process.exit(1);
}

// --- keys --------------------------------------------------------------
function keyOf(encoding, hrpRe) {
  const d = bech32.decode(encoding.toLowerCase(), false);
  if (!hrpRe.test(d.prefix)) die(`not a fake key: ${d.prefix}`);
  const data = Buffer.from(bech32.fromWords(d.words));
  return data.length === 0 ? DEFAULT_KEY : data;
}
const tagOf = (k) => b64(createHash("sha256").update(k).digest().subarray(0, 4));
const xor = (a, k) => Buffer.from(a.map((x, i) => x ^ k[i]));

// --- phase 2 helpers ----------------------------------------------------
async function interact() {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  if (modes.has("slow")) await sleep(Number(modes.get("slow")));
  if (modes.has("garbage")) {
    process.stdout.write("hello, this is not a stanza\n");
    await sleep(60_000);
  }
  if (modes.has("hang")) await sleep(3_600_000);
  if (modes.has("crash")) {
    process.stdout.write("-> file-ke");
    process.stderr.write("fake: simulated crash\n");
    process.exit(3);
  }
  if (modes.has("unknown")) {
    write("frobnicate", ["42"], Buffer.from("?"));
    await expect("unsupported");
  }
  if (modes.has("msg")) {
    write("msg", [], Buffer.from("touch your fake key \x1b[31mnow\x1b[0m"));
    await expect("ok", "fail");
  }
  if (modes.has("public")) {
    write("request-public", [], Buffer.from("Your name for the fake key?"));
    const r = await expect("ok", "fail");
    if (r.command === "fail") return false;
  }
  if (modes.has("confirm")) {
    write("confirm", [b64(Buffer.from("Use it")), b64(Buffer.from("Skip it"))], Buffer.from("Use the fake key?"));
    const r = await expect("ok", "fail");
    if (r.command === "fail" || r.args[0] !== "yes") return false;
  }
  if (modes.has("secret")) {
    write("request-secret", [], Buffer.from("PIN for the fake key"));
    const r = await expect("ok", "fail");
    if (r.command === "fail") return false;
    if (r.body.toString() !== "1234") {
      write("error", ["identity", "0"], Buffer.from("wrong PIN"));
      await expect("ok");
      write("done");
      process.exit(0);
    }
  }
  if (modes.has("error-identity") || modes.has("error-internal")) {
    write("error", modes.has("error-identity") ? ["identity", "0"] : ["internal"], Buffer.from("the fake key is unplugged"));
    await expect("ok");
    write("done");
    process.exit(0);
  }
  return true;
}

function log(what) {
  if (process.env.FAKE_PLUGIN_LOG) appendFileSync(process.env.FAKE_PLUGIN_LOG, `${sm} ${what}\n`);
}

// --- the state machines ------------------------------------------------
async function recipientV1() {
  const keys = [];
  const fileKeys = [];
  for (;;) {
    const s = await readStanza();
    if (s.command === "done") break;
    if (s.command === "add-recipient") keys.push(keyOf(s.args[0], /^age1fake$/));
    else if (s.command === "add-identity") keys.push(keyOf(s.args[0], /^age-plugin-fake-$/));
    else if (s.command === "wrap-file-key") fileKeys.push(s.body);
    // extension-labels, grease: nothing to do
  }
  log(`${fileKeys.length} file keys`);
  if (!(await interact())) {
    write("error", ["internal"], Buffer.from("the user said no"));
    await expect("ok");
    write("done");
    return;
  }
  if (modes.has("labels")) {
    write("labels", modes.get("labels").split("+").filter(Boolean));
    await expect("ok");
  }
  fileKeys.forEach((fk, i) => {
    for (const k of keys) {
      write("recipient-stanza", [String(i), "fake", tagOf(k)], xor(fk, k));
    }
  });
  for (let i = 0; i < fileKeys.length * keys.length; i++) await expect("ok");
  write("done");
}

async function identityV1() {
  const keys = [];
  const files = [];
  for (;;) {
    const s = await readStanza();
    if (s.command === "done") break;
    if (s.command === "add-identity") keys.push(keyOf(s.args[0], /^age-plugin-fake-$/));
    else if (s.command === "recipient-stanza") {
      const i = Number(s.args[0]);
      (files[i] ??= []).push({ type: s.args[1], args: s.args.slice(2), body: s.body });
    }
  }
  log(`${files.length} files`);
  if (!(await interact())) {
    write("done");
    return;
  }
  for (const [i, stanzas] of files.entries()) {
    for (const st of stanzas ?? []) {
      if (st.type !== "fake") continue; // unknown stanzas are ignored
      const k = keys.find((key) => tagOf(key) === st.args[0]);
      if (!k) continue;
      if (modes.has("error-stanza")) {
        write("error", ["stanza", String(i), "0"], Buffer.from("this fake stanza is damaged"));
      } else {
        write("file-key", [String(i)], xor(st.body, k));
      }
      await expect("ok");
      break;
    }
  }
  write("done");
}

try {
  if (sm === "recipient-v1") await recipientV1();
  else if (sm === "identity-v1") await identityV1();
  else die(`unknown state machine ${sm}`);
  process.exit(0);
} catch (err) {
  die(err.message);
}
