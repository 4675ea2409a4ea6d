// Commands that generate a private key, as data with their own examples
// (test/audit/hints.test.ts runs them). Run while building a derivation
// (runCommand, buildPhase) the key lands in the world-readable store
// (key-generated-in-store); at run time they are fine.

export const KEYGENS: readonly { names: readonly string[]; generates: (args: readonly string[]) => boolean; examples: { leaks: readonly string[]; safe: readonly string[] } }[] = [
  {
    names: ["ssh-keygen"],
    // not the modes that read, convert, sign or list keys
    generates: (a) => !a.some((x) => /^-[a-zA-Z]*[ylFRHeiDYsLAk]/.test(x)) || a.includes("-A"),
    examples: { leaks: [`ssh-keygen -t ed25519 -N "" -f key`], safe: [`ssh-keygen -y -f /run/secrets/key`, `ssh-keygen -l -f key.pub`] },
  },
  { names: ["wg"], generates: (a) => a[0] === "genkey" || a[0] === "genpsk", examples: { leaks: [`wg genkey > $out`], safe: [`wg pubkey < key`] } },
  {
    names: ["openssl"],
    generates: (a) => a[0] === "genrsa" || a[0] === "genpkey" || (a[0] === "ecparam" && a.includes("-genkey")) || (a[0] === "req" && (a.includes("-newkey") || a.includes("-keyout"))),
    examples: { leaks: [`openssl req -x509 -newkey rsa:2048 -nodes -keyout $out/key.pem -out $out/cert.pem -subj /CN=x`], safe: [`openssl x509 -in cert.pem -noout -text`] },
  },
  { names: ["age-keygen", "rage-keygen"], generates: (a) => !a.includes("-y"), examples: { leaks: [`age-keygen -o $out`], safe: [`age-keygen -y key.txt`] } },
  { names: ["nix-store"], generates: (a) => a.includes("--generate-binary-cache-key"), examples: { leaks: [`nix-store --generate-binary-cache-key cache $out/sk $out/pk`], safe: [`nix-store --verify`] } },
  { names: ["nix"], generates: (a) => a[0] === "key" && a[1] === "generate-secret", examples: { leaks: [`nix key generate-secret --key-name cache > $out`], safe: [`nix key convert-secret-to-public`] } },
  { names: ["dnssec-keygen", "tsig-keygen", "rndc-confgen", "ddns-confgen"], generates: () => true, examples: { leaks: [`tsig-keygen acme > $out`], safe: [`dnssec-verify zone`] } },
  { names: ["certtool"], generates: (a) => a.some((x) => x === "--generate-privkey" || x === "-p"), examples: { leaks: [`certtool --generate-privkey --outfile $out/key.pem`], safe: [`certtool --certificate-info`] } },
  { names: ["minisign", "signify"], generates: (a) => a.includes("-G"), examples: { leaks: [`minisign -G -p $out/pub -s $out/sec`], safe: [`minisign -V -m file`] } },
];
