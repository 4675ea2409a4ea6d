// Round trips with the Go reference implementation (Debian `age`), both ways,
// on keys made fresh by age-keygen and ssh-keygen.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decryptBytes, encryptBytes, parseIdentityFile, parseRecipient } from "../../src/crypto/index.js";
import { needTool } from "../helpers/tools.js";

const run = needTool("age") && needTool("ssh-keygen");

describe.runIf(run)("Go age interop", () => {
  let dir: string;
  const p = (f: string) => path.join(dir, f);
  const pub = (f: string) => readFileSync(p(f), "utf8").trim();

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), "nixsec-goage-"));
    execFileSync("age-keygen", ["-o", p("x.txt")], { stdio: "ignore" });
    writeFileSync(p("x.pub"), execFileSync("age-keygen", ["-y", p("x.txt")]));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "ed", "-f", p("ed")]);
    execFileSync("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-C", "rsa", "-f", p("rsa")]);
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "hunter2 pass", "-C", "prot", "-f", p("prot")]);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const sizes = [0, 1, 100, 65536, 65537, 200_000];

  for (const armor of [false, true]) {
    it(`nixsec encrypts to X25519 + ssh-ed25519 + ssh-rsa at once (armor=${armor}); age -d opens it with each key`, async () => {
      const recipients = [pub("x.pub"), pub("ed.pub"), pub("rsa.pub")].map(parseRecipient);
      for (const size of sizes) {
        const plain = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
        writeFileSync(p("enc.age"), await encryptBytes(plain, recipients, { armor }));
        for (const id of ["x.txt", "ed", "rsa"]) {
          const out = execFileSync("age", ["-d", "-i", p(id), p("enc.age")], { maxBuffer: 1 << 24 });
          expect(Buffer.compare(out, plain)).toBe(0);
        }
      }
    });
  }

  for (const [label, recipientFile, identity] of [
    ["X25519", "x.pub", "x.txt"],
    ["ssh-ed25519", "ed.pub", "ed"],
    ["ssh-rsa", "rsa.pub", "rsa"],
    ["passphrase-protected ssh-ed25519", "prot.pub", "prot"],
  ] as const) {
    for (const armor of [false, true]) {
      it(`age -e to ${label} (armor=${armor}) decrypts in nixsec`, async () => {
        const plain = Buffer.from(`secret for ${label}\n`.repeat(5000));
        writeFileSync(p("plain"), plain);
        execFileSync("age", ["-e", ...(armor ? ["-a"] : []), "-R", p(recipientFile), "-o", p("go.age"), p("plain")]);
        let asked = 0;
        const ids = await parseIdentityFile(readFileSync(p(identity)), identity, {
          passphrase: async () => {
            asked++;
            return "hunter2 pass";
          },
        });
        const out = await decryptBytes(readFileSync(p("go.age")), ids);
        expect(Buffer.compare(Buffer.from(out), plain)).toBe(0);
        // An encrypted key is unlocked once per run, not once per file.
        await decryptBytes(readFileSync(p("go.age")), ids);
        expect(asked).toBe(identity === "prot" ? 1 : 0);
      });
    }
  }

  it("a mixed recipients file (-R) from age's own format works both ways", async () => {
    writeFileSync(p("recips.txt"), `# team\n${pub("x.pub")}\n\n${pub("ed.pub")}\n`);
    const { parseRecipientsFile } = await import("../../src/crypto/index.js");
    const recips = parseRecipientsFile(readFileSync(p("recips.txt"), "utf8"), "recips.txt");
    expect(recips.map((r) => r.kind)).toEqual(["x25519", "ssh-ed25519"]);
    writeFileSync(p("m.age"), await encryptBytes(Buffer.from("mixed"), recips));
    expect(execFileSync("age", ["-d", "-i", p("ed"), p("m.age")]).toString()).toBe("mixed");
  });
});
