// Issue 15, "must show": the leak the project started from (the storage2 NAS's
// disk-unlock unit, as its owner published it) and the shapes a new user tried
// next are findings, each with a hint whose commands this CLI accepts.
import { describe, expect, test } from "vitest";
import { auditFiles } from "../../src/audit/scan.js";
import { cliRejects, hintCommands } from "./hint-commands.js";

const cases: { name: string; src: string; rule: string; line: number; hint: RegExp }[] = [
  {
    name: "the seed: echo -n SECRET && wget … | cryptsetup --key-file=- in an ExecStart",
    src: `{ pkgs, ... }: {
  systemd.services.unlock-data.serviceConfig.ExecStart = [
    ''/bin/sh -c "[ -e \\"/dev/mapper/data_crypt\\" ] || (echo -n my_local_secret && \${pkgs.wget}/bin/wget -qO - https://unlock.example.net/key) | \${pkgs.cryptsetup}/bin/cryptsetup --key-file=- luksOpen /dev/disk/by-id/ata-X data_crypt"''
  ];
}`,
    rule: "systemd-script-secret", line: 3,
    hint: /^nixsec add unlock-data\/luks-key --host HOST --stdin, nixsec wire unlock-data\/luks-key --credential unlock-data, and give cryptsetup --key-file=/,
  },
  {
    name: "printf '%s' 'KEY' | cryptsetup luksOpen",
    src: `{\n  systemd.services.open-vault.script = ''\n    printf '%s' 'Zx8KqT2mW9vLp4Rn' | cryptsetup luksOpen /dev/sdb1 vault\n  '';\n}`,
    rule: "systemd-script-secret", line: 3, hint: /nixsec wire open-vault\/luks-key --credential open-vault/,
  },
  {
    name: "a let-bound key piped into cryptsetup in a unit script",
    src: `{ pkgs, ... }:\nlet key = "Quartz-Lantern-4471"; in {\n  systemd.services.open-vault.script = ''\n    echo -n \${key} | \${pkgs.cryptsetup}/bin/cryptsetup luksOpen /dev/sdb1 vault -d -\n  '';\n}`,
    rule: "systemd-script-secret", line: 2, hint: /nixsec add open-vault\/luks-key --host HOST --stdin/,
  },
  {
    name: "echo -e 'pw\\npw' | smbpasswd -s -a alice in an activation script",
    src: `{ pkgs, ... }: {\n  system.activationScripts.samba-alice = ''\n    echo -e 'Samba-Pw-2024\\nSamba-Pw-2024' | \${pkgs.samba}/bin/smbpasswd -s -a alice\n  '';\n}`,
    rule: "activation-script-secret", line: 3, hint: /^nixsec add samba\/alice --host HOST --stdin, then nixsec wire samba\/alice --samba-user alice/,
  },
];

describe("the seed's leaks", () => {
  test.each(cases)("$name", async ({ src, rule, line, hint }) => {
    const found = auditFiles([{ path: "host.nix", content: src }]);
    expect(found.map((f) => `${f.ruleId}@${f.line}:${f.severity}`)).toEqual([`${rule}@${line}:high`]);
    const f = found[0]!;
    expect(f.hint).toMatch(hint);
    expect(f.snippet).not.toMatch(/my_local_secret|Zx8KqT2mW9vLp4Rn|Quartz-Lantern|Samba-Pw/);
    const cmds = hintCommands(f.hint);
    expect(cmds.length).toBeGreaterThanOrEqual(2);
    for (const c of cmds) expect(await cliRejects(c), c.join(" ")).toBeNull();
  });
});
