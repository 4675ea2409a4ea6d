// The plugin client against the fake plugin (fake-plugin.mjs), through the
// library: every protocol path of both state machines, with a scripted UI.
// The same paths through the CLI and a real terminal are in cli.test.ts.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AgeError,
  decryptBytes,
  encryptBytes,
  parseIdentityLine,
  parseRecipient,
  pluginLoaded,
  PluginIdentity,
  PluginRecipient,
  preloadFileKeys,
  type LoadedIdentity,
  type ParsedRecipient,
  type PluginContext,
  type PluginUi,
} from "../../src/crypto/index.js";
import { fakeKey, pluginBin, type PluginBin } from "../helpers/plugins.js";

interface Asked {
  kind: string;
  name: string;
  text: string;
}

/** A UI answering from a script; `null` answers mean "no terminal". */
function scriptedUi(answers: { secret?: string | null; value?: string | null; confirm?: boolean | null; message?: boolean } = {}): PluginUi & { asked: Asked[] } {
  const asked: Asked[] = [];
  return {
    asked,
    message: (name, text) => {
      asked.push({ kind: "message", name, text });
      return answers.message ?? true;
    },
    requestValue: async (name, text, secret) => {
      asked.push({ kind: secret ? "secret" : "public", name, text });
      return (secret ? answers.secret : answers.value) ?? null;
    },
    confirm: async (name, text, yes, no) => {
      asked.push({ kind: "confirm", name, text: `${text} [${yes}/${no}]` });
      return answers.confirm ?? null;
    },
  };
}

let bin: PluginBin;
beforeAll(() => {
  bin = pluginBin();
});
afterAll(() => rmSync(bin.dir, { recursive: true, force: true }));

function ctx(mode: string, ui: PluginUi = scriptedUi(), extra: Partial<PluginContext> = {}): PluginContext {
  return { env: { PATH: bin.path, FAKE_PLUGIN_MODE: mode, FAKE_PLUGIN_LOG: bin.log }, ui, ...extra };
}

function fakeRecipient(text: string, c: PluginContext): ParsedRecipient {
  return { kind: "plugin", text, recipient: new PluginRecipient(text, false, c) };
}

function fakeIdentity(text: string, c: PluginContext): LoadedIdentity {
  return pluginLoaded(new PluginIdentity(text, c), "test");
}

const plain = new TextEncoder().encode("a value for the fake key\n");

async function encryptedFor(k: ReturnType<typeof fakeKey>): Promise<Uint8Array> {
  return encryptBytes(plain, [fakeRecipient(k.recipient, ctx(""))]);
}

async function failure(p: Promise<unknown>): Promise<AgeError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AgeError);
  return err as AgeError;
}

describe("plugin client: both state machines against the fake plugin", () => {
  it("wraps through recipient-v1 and unwraps through identity-v1", async () => {
    const k = fakeKey();
    const file = await encryptedFor(k);
    expect(Buffer.from(file).toString("latin1")).toMatch(/\n-> fake [A-Za-z0-9+/]{6}\n/);
    expect(await decryptBytes(file, [fakeIdentity(k.identity, ctx(""))])).toEqual(plain);
  });

  it("parses age1fake1… and AGE-PLUGIN-FAKE-1… as plugin recipient and identity", () => {
    const k = fakeKey();
    expect(parseRecipient(k.recipient).kind).toBe("plugin");
    expect(parseIdentityLine(k.identity, "x").kind).toBe("plugin");
  });

  it("decrypts many files in one session after preloadFileKeys (one start)", async () => {
    const k = fakeKey();
    const files = await Promise.all(Array.from({ length: 20 }, () => encryptedFor(k)));
    const before = bin.starts().length;
    const ids = [fakeIdentity(k.identity, ctx(""))];
    await preloadFileKeys(files, ids);
    for (const f of files) expect(await decryptBytes(f, ids)).toEqual(plain);
    const started = bin.starts().slice(before);
    expect(started).toEqual(["identity-v1 20 files"]);
  });

  it("msg: shown through the UI, control characters removed", async () => {
    const k = fakeKey();
    const file = await encryptedFor(k);
    const ui = scriptedUi();
    expect(await decryptBytes(file, [fakeIdentity(k.identity, ctx("msg", ui))])).toEqual(plain);
    expect(ui.asked).toEqual([{ kind: "message", name: "fake", text: "touch your fake key now" }]);
  });

  it("request-secret answered: the plugin gets the PIN", async () => {
    const k = fakeKey();
    const file = await encryptedFor(k);
    const ui = scriptedUi({ secret: "1234" });
    expect(await decryptBytes(file, [fakeIdentity(k.identity, ctx("secret", ui))])).toEqual(plain);
    expect(ui.asked).toEqual([{ kind: "secret", name: "fake", text: "PIN for the fake key" }]);
  });

  it("request-secret with a wrong answer: the plugin's error names it", async () => {
    const k = fakeKey();
    const err = await failure(decryptBytes(await encryptedFor(k), [fakeIdentity(k.identity, ctx("secret", scriptedUi({ secret: "0000" })))]));
    expect(err.message).toBe("age-plugin-fake: wrong PIN");
  });

  it("request-secret without a terminal: the error names the plugin and what it asked", async () => {
    const k = fakeKey();
    const err = await failure(decryptBytes(await encryptedFor(k), [fakeIdentity(k.identity, ctx("secret", scriptedUi({ secret: null })))]));
    expect(err.message).toBe('age-plugin-fake asked for a secret ("PIN for the fake key"), and there is no terminal to answer it');
    expect(err.hints.join("\n")).toMatch(/terminal/);
  });

  it("request-public and confirm (yes) answered", async () => {
    const k = fakeKey();
    const ui = scriptedUi({ value: "alice", confirm: true });
    expect(await decryptBytes(await encryptedFor(k), [fakeIdentity(k.identity, ctx("public,confirm", ui))])).toEqual(plain);
    expect(ui.asked.map((a) => a.kind)).toEqual(["public", "confirm"]);
    expect(ui.asked[1]!.text).toBe("Use the fake key? [Use it/Skip it]");
  });

  it("confirm answered no: no key, so no identity matched", async () => {
    const k = fakeKey();
    const err = await failure(decryptBytes(await encryptedFor(k), [fakeIdentity(k.identity, ctx("confirm", scriptedUi({ confirm: false })))]));
    expect(err.kind).toBe("no-match");
  });

  it("confirm without a terminal: named in the error", async () => {
    const k = fakeKey();
    const err = await failure(decryptBytes(await encryptedFor(k), [fakeIdentity(k.identity, ctx("confirm", scriptedUi({ confirm: null })))]));
    expect(err.message).toMatch(/^age-plugin-fake asked for a confirmation \("Use the fake key\?"\), and there is no terminal/);
  });

  for (const [mode, message] of [
    ["error-identity", "age-plugin-fake: the fake key is unplugged"],
    ["error-internal", "age-plugin-fake: the fake key is unplugged"],
    ["error-stanza", "invalid stanza: age-plugin-fake: this fake stanza is damaged"],
  ] as const) {
    it(`${mode}: an error naming the plugin`, async () => {
      const k = fakeKey();
      const err = await failure(decryptBytes(await encryptedFor(k), [fakeIdentity(k.identity, ctx(mode))]));
      expect(err.message).toBe(message);
    });
  }

  it("an unknown command from the plugin is answered `unsupported` (both state machines)", async () => {
    const k = fakeKey();
    const file = await encryptBytes(plain, [fakeRecipient(k.recipient, ctx("unknown"))]);
    expect(await decryptBytes(file, [fakeIdentity(k.identity, ctx("unknown"))])).toEqual(plain);
  });

  it("stanzas the plugin does not know are passed and ignored; native stanzas open first", async () => {
    const k = fakeKey();
    const x = await import("../../src/crypto/index.js").then((m) => m.generateAgeKey());
    const file = await encryptBytes(plain, [parseRecipient(x.recipient), fakeRecipient(k.recipient, ctx(""))]);
    // The fake plugin sees an X25519 stanza it does not know, and still opens its own.
    expect(await decryptBytes(file, [fakeIdentity(k.identity, ctx(""))])).toEqual(plain);
    // With the X25519 key given too, the plugin is not started at all.
    const before = bin.starts().length;
    expect(await decryptBytes(file, [fakeIdentity(k.identity, ctx("")), parseIdentityLine(x.identity, "x")])).toEqual(plain);
    expect(bin.starts().length).toBe(before);
  });

  it("a file for another key: no match, no error", async () => {
    const err = await failure(decryptBytes(await encryptedFor(fakeKey()), [fakeIdentity(fakeKey().identity, ctx(""))]));
    expect(err.kind).toBe("no-match");
  });

  it("a crash mid-protocol: an error naming the plugin, with its last words", async () => {
    const k = fakeKey();
    const err = await failure(decryptBytes(await encryptedFor(k), [fakeIdentity(k.identity, ctx("crash"))]));
    expect(err.message).toBe("age-plugin-fake exited with code 3 in the middle of the protocol: fake: simulated crash");
  });

  it("garbage on stdout: an error naming the plugin", async () => {
    const k = fakeKey();
    const err = await failure(decryptBytes(await encryptedFor(k), [fakeIdentity(k.identity, ctx("garbage"))]));
    expect(err.message).toMatch(/^age-plugin-fake sent something that is not the age plugin protocol \(expected a stanza/);
  });

  it("a hang: stopped after the timeout, with a waiting notice first", async () => {
    const k = fakeKey();
    const file = await encryptedFor(k);
    const waited: string[] = [];
    const ui = { ...scriptedUi(), waiting: (name: string) => void waited.push(name) };
    const t0 = Date.now();
    const err = await failure(decryptBytes(file, [fakeIdentity(k.identity, ctx("hang", ui, { timeoutMs: 1500, waitNoticeMs: 300 }))]));
    expect(err.message).toBe("age-plugin-fake did not answer within 2 s; stopped it");
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(waited).toEqual(["fake"]);
  });

  it("a plugin that is not installed: named, with a hint", async () => {
    const id = pluginLoaded(PluginIdentity.fromName("nosuchthing", ctx("")), "-j nosuchthing");
    const err = await failure(decryptBytes(await encryptedFor(fakeKey()), [id]));
    expect(err.message).toBe('age plugin "nosuchthing" not found: no age-plugin-nosuchthing on PATH');
    expect(err.hints.join("\n")).toMatch(/install age-plugin-nosuchthing/);
  });

  it("PATH entries that are not absolute are never searched", async () => {
    const k = fakeKey();
    const c: PluginContext = { env: { PATH: `.:${bin.dir.split("/").slice(1).join("/")}` }, ui: scriptedUi() };
    const err = await failure(encryptBytes(plain, [fakeRecipient(k.recipient, c)]));
    expect(err.message).toBe('age plugin "fake" not found: no age-plugin-fake on PATH');
  });

  it("recipient-v1: labels the plugin reports are held to the label rule", async () => {
    const x = await import("../../src/crypto/index.js").then((m) => m.generateAgeKey());
    const k = fakeKey();
    const err = await failure(encryptBytes(plain, [parseRecipient(x.recipient), fakeRecipient(k.recipient, ctx("labels=postquantum"))]));
    expect(err.message).toMatch(/^incompatible recipients: age1fake1.* is post-quantum and age1.* is not; a file for both would be vulnerable to quantum computers/);
    const alone = await encryptBytes(plain, [fakeRecipient(k.recipient, ctx("labels=postquantum"))]);
    expect(await decryptBytes(alone, [fakeIdentity(k.identity, ctx(""))])).toEqual(plain);
    const other = await failure(encryptBytes(plain, [fakeRecipient(k.recipient, ctx("labels=0ddba11")), fakeRecipient(fakeKey().recipient, ctx(""))]));
    expect(other.message).toMatch(/cannot share a file \(labels \[\] and \[0ddba11\]\)|cannot share a file \(labels \[0ddba11\] and \[\]\)/);
  });

  it("recipient-v1: a plugin's error, a crash and a refusal without a terminal are errors naming it; nothing is written", async () => {
    const k = fakeKey();
    expect((await failure(encryptBytes(plain, [fakeRecipient(k.recipient, ctx("error-internal"))]))).message).toBe("age-plugin-fake: the fake key is unplugged");
    expect((await failure(encryptBytes(plain, [fakeRecipient(k.recipient, ctx("crash"))]))).message).toMatch(/^age-plugin-fake exited with code 3/);
    const noTty = await failure(encryptBytes(plain, [fakeRecipient(k.recipient, ctx("secret", scriptedUi({ secret: null })))]));
    expect(noTty.message).toBe('age-plugin-fake: the user said no (it asked for a secret ("PIN for the fake key"), and there is no terminal to answer it)');
  });

  it("-j NAME: the plugin's identity without data, as a recipient and as an identity", async () => {
    const file = await encryptBytes(plain, [{ kind: "plugin", text: "-j fake", recipient: PluginRecipient.fromName("fake", ctx("")) }]);
    expect(await decryptBytes(file, [pluginLoaded(PluginIdentity.fromName("fake", ctx("")), "-j fake")])).toEqual(plain);
  });
});
