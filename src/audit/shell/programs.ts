// Programs that take a secret, as data (the gitleaks model: each entry keeps
// its own leaking and safe examples, checked by test/audit/shell.test.ts).
// A program reads its secret from standard input (when `stdin` holds for its
// arguments) or from a flag's value. Generic flags (`--password=…`,
// `--api-key …`, any long flag whose name says secret) and `NAME=value`
// assignments are handled for every program (flow.ts); these entries add
// what a name alone cannot say.

/** How to cut the secret out of a value: whole, after `user:`, after `user%`, after `pass:`, a header's credential, `password=` in mount options. */
export type ValueShape = "whole" | "after-colon" | "after-percent" | "pass-prefix" | "header" | "options";

export interface FlagSpec {
  /** The flag as written (`-p`, `--user`, `-storepass`). */
  flag: string;
  /** The value may be glued to a short flag (`-pSecret`). */
  attached?: boolean;
  /** The value may be the next word (`-p Secret`); default true unless `attached`. */
  separate?: boolean;
  value?: ValueShape;
  /** Only with these arguments (`docker login -p`, not `docker run -p 8080:80`). */
  when?: (args: readonly string[]) => boolean;
}

export interface Program {
  /** Command names (basenames: `${pkgs.cryptsetup}/bin/cryptsetup` is `cryptsetup`). */
  names: readonly string[];
  /** What the secret is, for the message. */
  what: string;
  /** Reads a secret from standard input with these arguments. */
  stdin?: (args: readonly string[]) => boolean;
  /** How the secret sits in what is piped in: each line whole, after `user:` (chpasswd), or in SQL (mysql, psql). */
  stdinShape?: "line" | "after-colon" | "sql";
  flags?: readonly FlagSpec[];
  /** The index (into the arguments) of an argument that is the secret, or null. */
  positional?: (args: readonly string[]) => number | null;
  /** The last part of a suggested secret name (`{unit}/luks-key`). */
  secret: string;
  /**
   * What to do instead, naming nixsec commands; replaces the rule's hint.
   * Placeholders: {secret}, {unit}, {user} (hints.ts fills them).
   */
  hint?: string;
  /** The user a password is for, from the arguments (`smbpasswd -a alice`). */
  user?: (args: readonly string[]) => string | null;
  examples: { leaks: readonly string[]; safe: readonly string[] };
}

const has = (args: readonly string[], ...xs: string[]): boolean => args.some((a) => xs.includes(a));
const hasPrefix = (args: readonly string[], ...xs: string[]): boolean => args.some((a) => xs.some((x) => a.startsWith(x)));
/** The index of the n-th (0-based) argument that is not a flag, or null. */
function nthPlain(args: readonly string[], n: number): number | null {
  for (let i = 0, k = 0; i < args.length; i++) if (!args[i]!.startsWith("-") && k++ === n) return i;
  return null;
}

export const PROGRAMS: readonly Program[] = [
  {
    names: ["cryptsetup", "systemd-cryptsetup"],
    what: "LUKS key",
    secret: "luks-key",
    // open/luksOpen/format… read a passphrase from a pipe; --key-file=- / -d - read the key from it
    stdin: (a) => has(a, "open", "luksOpen", "luksFormat", "format", "luksAddKey", "luksChangeKey", "luksResume", "resize", "tcryptOpen", "bitlkOpen", "plainOpen", "loopaesOpen", "-") || hasPrefix(a, "--key-file=-"),
    hint: "nixsec add {secret} --host HOST --stdin, nixsec wire {secret} --credential {unit}, and give cryptsetup --key-file=\"$CREDENTIALS_DIRECTORY/luks-key\" instead of piping it in (in the initrd: boot.initrd.luks.devices.NAME.keyFile with boot.initrd.secrets)",
    examples: {
      leaks: [
        `(echo -n my_local_secret && wget -qO - https://unlock.example.net/key) | cryptsetup --key-file=- luksOpen /dev/sdb data`,
        `printf '%s' 'Zx8KqT2mW9vLp4Rn' | cryptsetup luksOpen /dev/sdb1 data`,
        `cryptsetup open /dev/sdc1 vault <<< "Quartz-Lantern-4471"`,
      ],
      safe: [`cryptsetup open --key-file /run/keys/vault /dev/sdc1 vault`, `cat "$CREDENTIALS_DIRECTORY/luks" | cryptsetup open /dev/sdc1 vault -d -`, `echo YES | cryptsetup luksFormat /dev/sdc1`],
    },
  },
  {
    names: ["smbpasswd"],
    what: "Samba password",
    secret: "samba-password",
    stdin: (a) => has(a, "-s"),
    user: (a) => { const i = a.indexOf("-a"); return i >= 0 && a[i + 1] && !a[i + 1]!.startsWith("-") ? a[i + 1]! : a.find((x) => !x.startsWith("-")) ?? null; },
    hint: "nixsec add samba/{user} --host HOST --stdin, then nixsec wire samba/{user} --samba-user {user} (the nixsec module sets the Samba password before smbd starts) and drop the smbpasswd line",
    examples: {
      leaks: [`echo -e 'Samba-Pw-2024\\nSamba-Pw-2024' | smbpasswd -s -a alice`, `(echo Samba-Pass-1; echo Samba-Pass-1) | smbpasswd -s -a bob`, `printf '%s\\n%s\\n' "Samba-Pw-3" "Samba-Pw-3" | smbpasswd -a -s carol`],
      safe: [`(cat /run/agenix/smb; cat /run/agenix/smb) | smbpasswd -s -a alice`, `smbpasswd -a alice`],
    },
  },
  {
    names: ["pdbedit"],
    what: "Samba password",
    secret: "samba-password",
    stdin: (a) => a.some((x) => x === "-t" || x === "--password-from-stdin" || /^-[a-zA-Z]*t[a-zA-Z]*$/.test(x)),
    user: (a) => { const i = a.findIndex((x) => x === "-u" || x === "--user"); return i >= 0 ? a[i + 1] ?? null : null; },
    hint: "nixsec add samba/{user} --host HOST --stdin, then nixsec wire samba/{user} --samba-user {user} (the nixsec module sets the Samba password before smbd starts) and drop the pdbedit line",
    examples: {
      leaks: [`printf 'Smb-Pw-4\nSmb-Pw-4\n' | pdbedit -a -u ada -t`],
      safe: [`pdbedit -L`, `cat /run/secrets/ada /run/secrets/ada | pdbedit -a -u ada -t`],
    },
  },
  {
    names: ["chpasswd", "chgpasswd"],
    what: "user password",
    secret: "password",
    stdin: () => true,
    stdinShape: "after-colon",
    hint: "nixsec add users/{user}/password --stdin, nixsec add users/{user}/hashedPassword --host HOST --generate password-hash --from users/{user}/password, then nixsec wire users/{user}/hashedPassword --user-password {user} and drop the chpasswd line",
    examples: {
      leaks: [`echo "root:toor-toor" | chpasswd`, `chpasswd <<EOF\nalice:Alice-Pw-99\nEOF`],
      safe: [`echo "root:$(cat /run/secrets/root)" | chpasswd -e`, `chpasswd < /run/secrets/users`],
    },
  },
  {
    names: ["passwd"],
    what: "user password",
    secret: "password",
    stdin: (a) => has(a, "--stdin"),
    user: (a) => a.filter((x) => !x.startsWith("-")).pop() ?? null,
    hint: "nixsec add users/{user}/password --stdin, nixsec add users/{user}/hashedPassword --host HOST --generate password-hash --from users/{user}/password, then nixsec wire users/{user}/hashedPassword --user-password {user} and drop the passwd line",
    examples: { leaks: [`echo 'Pw-For-Bob-1' | passwd --stdin bob`], safe: [`passwd -l bob`, `echo "$PW" | passwd --stdin bob`] },
  },
  {
    names: ["openssl"],
    what: "OpenSSL passphrase",
    secret: "passphrase",
    stdin: (a) => a.some((x, i) => /^-pass(?:in|out)?$/.test(x) && a[i + 1] === "stdin"),
    flags: [{ flag: "-pass", value: "pass-prefix" }, { flag: "-passin", value: "pass-prefix" }, { flag: "-passout", value: "pass-prefix" }, { flag: "-k" }],
    examples: {
      leaks: [`echo 'Open-Ssl-Pw-7' | openssl enc -aes-256-cbc -pass stdin -in a -out b`, `openssl pkcs12 -export -passout pass:Export-Pw-8 -in c.pem -out c.p12`],
      safe: [`openssl enc -aes-256-cbc -pass file:/run/secrets/k -in a -out b`, `openssl pkcs12 -export -passout env:P12_PASS -in c.pem`],
    },
  },
  {
    names: ["mysql", "mariadb", "mysqldump", "mysqladmin", "mariadb-dump", "mariadb-admin"],
    what: "database password",
    secret: "db-password",
    stdin: () => true,
    stdinShape: "sql",
    flags: [{ flag: "-p", attached: true, separate: false }],
    hint: "nixsec add {secret} --host HOST --format env --stdin (MYSQL_PWD=…), then nixsec wire {secret} --environment-file {unit}, and drop the password from the command",
    examples: {
      leaks: [`mysqldump -u root -pRootPw2024 --all-databases`, `echo "ALTER USER 'app'@'%' IDENTIFIED BY 'App-Db-Pw-5';" | mysql -u root`],
      safe: [`mysql -u root -p`, `mysqldump --defaults-extra-file=/run/secrets/my.cnf --all-databases`, `mysql -u root -p db < /run/secrets/schema.sql`],
    },
  },
  {
    names: ["psql"],
    what: "database password",
    secret: "db-password",
    stdin: () => true,
    stdinShape: "sql",
    examples: {
      leaks: [`psql -U postgres <<EOF\nALTER ROLE app WITH PASSWORD 'App-Pg-Pw-6';\nEOF`, `echo "CREATE ROLE bot LOGIN PASSWORD 'Bot-Pg-Pw-7'" | psql`],
      safe: [`psql -U postgres <<'SQL'\n\\set pw \`cat /run/secrets/pg\`\nALTER ROLE app WITH PASSWORD :'pw';\nSQL`],
    },
  },
  {
    names: ["htpasswd"],
    what: "htpasswd password",
    secret: "htpasswd",
    stdin: (a) => a.some((x) => /^-[a-zA-Z]*i[a-zA-Z]*$/.test(x)),
    // htpasswd -b[c] FILE USER PASSWORD: the password is the third argument
    positional: (a) => (a.some((x) => /^-[a-zA-Z]*b[a-zA-Z]*$/.test(x)) ? nthPlain(a, 2) : null),
    examples: {
      leaks: [`echo 'Ht-Pw-4411' | htpasswd -i /var/lib/nginx/htpasswd alice`, `htpasswd -bc /etc/nginx/htpasswd alice Ht-Pw-5522`],
      safe: [`htpasswd -c /etc/nginx/htpasswd alice`, `htpasswd -i /var/lib/htpasswd alice < /run/secrets/alice`],
    },
  },
  {
    names: ["wg"],
    what: "WireGuard private key",
    secret: "wireguard-key",
    // `wg set IF private-key /dev/stdin`, `wg pubkey` (derives the public key from a private key on stdin)
    stdin: (a) => a[0] === "pubkey" || a.some((x, i) => (x === "private-key" || x === "preshared-key") && (a[i + 1] === "/dev/stdin" || a[i + 1] === "/dev/fd/0")),
    hint: "nixsec add {secret} --host HOST --generate wireguard (a new key: the old one is published), then nixsec wire {secret} --option networking.wireguard.interfaces.IF.privateKeyFile",
    examples: {
      leaks: [`echo "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=" | wg pubkey`, `wg set wg0 private-key /dev/stdin <<< "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk="`],
      safe: [`wg set wg0 private-key /run/agenix/wg`, `wg genkey | tee /run/wg.key | wg pubkey`],
    },
  },
  {
    names: ["sudo"],
    what: "sudo password",
    secret: "sudo-password",
    stdin: (a) => a.some((x) => /^-[a-zA-Z]*S[a-zA-Z]*$/.test(x)),
    examples: { leaks: [`echo 'Sudo-Pw-123' | sudo -S systemctl restart x`], safe: [`sudo -u alice true`] },
  },
  {
    names: ["docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "oras", "crane"],
    what: "registry password",
    secret: "registry-password",
    stdin: (a) => has(a, "--password-stdin"),
    flags: [{ flag: "-p", when: (a) => a.includes("login") }],
    examples: {
      leaks: [`echo 'ghp-like-Registry-Pw-9' | docker login -u bot --password-stdin registry.acme.example`, `podman login -u bot -p Registry-Pw-10 registry.acme.example`],
      safe: [`cat /run/secrets/reg | docker login -u bot --password-stdin registry.acme.example`, `docker run -p 8080:80 nginx`],
    },
  },
  {
    names: ["gh"],
    what: "GitHub token",
    secret: "github-token",
    stdin: (a) => has(a, "--with-token"),
    examples: { leaks: [`echo 'Gh-Token-Value-11x' | gh auth login --with-token`], safe: [`gh auth login --with-token < /run/secrets/gh`] },
  },
  {
    names: ["vault"],
    what: "Vault token",
    secret: "vault-token",
    stdin: (a) => a[0] === "login" && has(a, "-"),
    examples: { leaks: [`echo 'hvs-Vault-Token-12' | vault login -`], safe: [`vault login -method=oidc`] },
  },
  {
    names: ["kinit"],
    what: "Kerberos password",
    secret: "kerberos-password",
    stdin: (a) => !has(a, "-k", "-t") && !hasPrefix(a, "--keytab"),
    examples: { leaks: [`echo 'Krb-Pw-2024' | kinit alice@EXAMPLE.ORG`], safe: [`kinit -k -t /etc/krb5.keytab host/x`] },
  },
  {
    names: ["mkpasswd"],
    what: "password (hashed at run time)",
    secret: "password",
    stdin: (a) => a.some((x) => x === "-s" || x === "--stdin"),
    examples: { leaks: [`echo 'Hash-Me-Pw-1' | mkpasswd -s -m sha-512`], safe: [`mkpasswd -s < /run/secrets/pw`] },
  },
  {
    names: ["rclone"],
    what: "rclone password",
    secret: "rclone-password",
    stdin: (a) => a[0] === "obscure" && a[1] === "-",
    examples: { leaks: [`echo 'Rclone-Pw-3' | rclone obscure -`], safe: [`rclone obscure - < /run/secrets/rc`] },
  },
  {
    names: ["systemd-creds"],
    what: "credential",
    secret: "credential",
    stdin: (a) => a[0] === "encrypt" && a[1] === "-",
    examples: { leaks: [`echo -n 'Cred-Value-44' | systemd-creds encrypt - /var/lib/x.cred`], safe: [`systemd-creds encrypt /run/secrets/x /var/lib/x.cred`] },
  },
  {
    names: ["ssh-add"],
    what: "SSH private key",
    secret: "ssh-key",
    stdin: (a) => has(a, "-"),
    examples: { leaks: [`echo "-----BEGIN OPENSSH PRIVATE KEY-----b3BlbnNzaC1rZXktdjEAAAAA" | ssh-add -`], safe: [`ssh-add /run/secrets/deploy_key`] },
  },
  {
    names: ["gpg", "gpg2"],
    what: "GnuPG passphrase",
    secret: "gpg-passphrase",
    stdin: (a) => a.some((x, i) => x === "--passphrase-fd" && a[i + 1] === "0") || hasPrefix(a, "--passphrase-fd=0"),
    flags: [{ flag: "--passphrase" }],
    examples: { leaks: [`echo 'Gpg-Pass-6' | gpg --batch --passphrase-fd 0 -d x.gpg`, `gpg --batch --passphrase Gpg-Pass-7 -d x.gpg`], safe: [`gpg --batch --passphrase-file /run/secrets/gpg -d x.gpg`] },
  },
  {
    names: ["sshpass"],
    what: "SSH password",
    secret: "ssh-password",
    flags: [{ flag: "-p", attached: true, separate: true }],
    examples: { leaks: [`sshpass -p 'Hunter-2-Hunter' rsync -a /srv backup@nas:/b`, `sshpass -pHunter-3-Hunter ssh nas`], safe: [`sshpass -f /run/secrets/nas ssh nas`, `sshpass -e ssh nas`] },
  },
  {
    names: ["curl"],
    what: "HTTP credential",
    secret: "http-token",
    flags: [{ flag: "-u", value: "after-colon" }, { flag: "--user", value: "after-colon" }, { flag: "-H", value: "header" }, { flag: "--header", value: "header" }, { flag: "--oauth2-bearer" }],
    examples: {
      leaks: [`curl -u admin:Curl-Pw-12 https://nas/api`, `curl -H "Authorization: Bearer Zm9vYmFyYmF6cXV4MTIzNDU2" https://api.example.org`, `curl --header 'X-Api-Key: 7f3c9a1e22b04d6f9a' https://api.example.org`],
      safe: [`curl -u admin https://nas/api`, `curl -H "Authorization: Bearer $(cat /run/secrets/tok)" https://x`, `curl -H "@$RUNTIME_DIRECTORY/headers" https://x`, `curl -H 'Content-Type: application/json' https://x`],
    },
  },
  {
    names: ["wget"],
    what: "HTTP credential",
    secret: "http-token",
    flags: [{ flag: "--header", value: "header" }],
    examples: { leaks: [`wget --header="Authorization: token Wget-Tok-1234567" https://x`], safe: [`wget --header="Accept: text/plain" https://x`] },
  },
  {
    names: ["smbclient", "rpcclient", "net"],
    what: "Samba password",
    secret: "samba-password",
    flags: [{ flag: "-U", value: "after-percent" }, { flag: "--user", value: "after-percent" }],
    examples: { leaks: [`smbclient //nas/share -U alice%Smb-Pw-77 -c ls`], safe: [`smbclient //nas/share -U alice -A /run/secrets/smb`] },
  },
  {
    names: ["transmission-remote"],
    what: "Transmission RPC password",
    secret: "rpc-password",
    flags: [{ flag: "-n", value: "after-colon" }, { flag: "--auth", value: "after-colon" }],
    examples: { leaks: [`transmission-remote -n admin:Rpc-Pw-21 -l`], safe: [`transmission-remote -ne -l`, `transmission-remote -n admin -l`] },
  },
  {
    names: ["mosquitto_pub", "mosquitto_sub", "mosquitto_rr"],
    what: "MQTT password",
    secret: "mqtt-password",
    flags: [{ flag: "-P" }],
    examples: { leaks: [`mosquitto_pub -h broker -u ha -P Mqtt-Pw-88 -t x -m y`], safe: [`mosquitto_pub -h broker -u ha -t x -m y`] },
  },
  {
    names: ["redis-cli", "valkey-cli"],
    what: "Redis password",
    secret: "redis-password",
    flags: [{ flag: "-a" }],
    examples: { leaks: [`redis-cli -a Redis-Pw-99 PING`], safe: [`redis-cli --askpass PING`] },
  },
  {
    names: ["ldapsearch", "ldapadd", "ldapmodify", "ldapdelete", "ldappasswd", "ldapwhoami"],
    what: "LDAP bind password",
    secret: "ldap-password",
    flags: [{ flag: "-w" }],
    examples: { leaks: [`ldapsearch -x -D cn=admin,dc=x -w Ldap-Pw-12 -b dc=x`], safe: [`ldapsearch -x -D cn=admin,dc=x -y /run/secrets/ldap -b dc=x`] },
  },
  {
    names: ["zip", "7z", "7za", "unzip", "unrar", "rar"],
    what: "archive password",
    secret: "archive-password",
    flags: [{ flag: "-P" }, { flag: "-p", attached: true, separate: false }],
    examples: { leaks: [`zip -P Zip-Pw-55 backup.zip data`, `7z a -pSeven-Pw-66 backup.7z data`], safe: [`zip -r backup.zip data`] },
  },
  {
    names: ["keytool"],
    what: "keystore password",
    secret: "keystore-password",
    flags: [{ flag: "-storepass" }, { flag: "-keypass" }, { flag: "-srcstorepass" }, { flag: "-deststorepass" }, { flag: "-srckeypass" }, { flag: "-destkeypass" }],
    examples: { leaks: [`keytool -importcert -keystore ks.jks -storepass Store-Pw-77 -file c.crt`], safe: [`keytool -list -keystore ks.jks -storepass:file /run/secrets/ks`] },
  },
  {
    names: ["nmcli"],
    what: "Wi-Fi password",
    secret: "wifi-password",
    // nmcli dev wifi connect SSID password PW; nmcli con modify X wifi-sec.psk PW
    positional: (a) => {
      const i = a.findIndex((x) => x === "password" || x === "wifi-sec.psk" || x === "802-11-wireless-security.psk");
      return i >= 0 && i + 1 < a.length ? i + 1 : null;
    },
    examples: { leaks: [`nmcli dev wifi connect HomeNet password Wifi-Pw-2024`], safe: [`nmcli dev wifi connect HomeNet --ask`] },
  },
  {
    names: ["wpa_passphrase"],
    what: "Wi-Fi passphrase",
    secret: "wifi-psk",
    positional: (a) => nthPlain(a, 1),
    examples: { leaks: [`wpa_passphrase HomeNet 'Wpa-Pass-Phrase-1'`], safe: [`wpa_passphrase HomeNet < /run/secrets/psk`] },
  },
  {
    names: ["mount", "mount.cifs", "mount.smb3"],
    what: "CIFS password",
    secret: "cifs-password",
    flags: [{ flag: "-o", value: "options" }],
    examples: { leaks: [`mount -t cifs //nas/s /mnt -o username=alice,password=Cifs-Pw-33`], safe: [`mount -t cifs //nas/s /mnt -o credentials=/run/secrets/cifs`] },
  },
  {
    names: ["rabbitmqctl"],
    what: "RabbitMQ password",
    secret: "rabbitmq-password",
    positional: (a) => (a[0] === "add_user" || a[0] === "change_password" ? 2 : null),
    examples: { leaks: [`rabbitmqctl add_user bot Rabbit-Pw-1`], safe: [`rabbitmqctl list_users`] },
  },
];

const byName = new Map<string, Program>();
for (const p of PROGRAMS) for (const n of p.names) byName.set(n, p);

export function programNamed(name: string): Program | undefined {
  return byName.get(name);
}

