// How much of a corpus a byte-level prefilter could skip (issue 15's speed
// prototype, measured before building one): a file can be skipped unread by
// the rules only when it holds none of the words that some rule needs. The
// list below is the union of what each rule's matcher needs to see in the raw
// bytes (secret words for option names and assignments, *File/*Path/source
// for store copies, readFile and friends, the shell table's programs, every
// token rule's keywords). A file that does not parse still needs a parse for
// its parse-error finding, so a prefilter could not skip those anyway.
//
//   node bench/audit-prefilter.mjs CORPUS
import fs from "node:fs";
import path from "node:path";

const NEEDS = /pass|pw|secret|token|key|psk|salt|pepper|hash|bearer|auth|cred|file|path|source|identit|private|vault|readfile|filecontents|importjson|importtoml|community|identified|cryptsetup|pdbedit|mysql|mariadb|7za?|rabbitmq|kinit|ssh-add|obscure|genrsa|genpkey|:\/\/|\$[0-9a-z]+\$|-----begin|eyj|xox|ghp_|gho_|glpat|akia|sk_live|tskey|::server:|hooks|webhook|age-secret|-[apPwnSU]\s|-G\b|:\d+:/i;

const root = path.resolve(process.argv[2] ?? ".");
const files = [];
(function walk(d) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) { if (e.name !== ".git") walk(p); } else if (e.isFile()) files.push(p);
  }
})(root);
let skip = 0, skipBytes = 0, bytes = 0;
for (const f of files) {
  const text = fs.readFileSync(f, "latin1");
  bytes += text.length;
  if (!NEEDS.test(text)) { skip++; skipBytes += text.length; }
}
const pct = (a, b) => `${((100 * a) / b).toFixed(1)}%`;
console.log(`${root}: ${files.length} files, ${(bytes / 1e6).toFixed(2)} MB`);
console.log(`a prefilter could skip ${skip} files (${pct(skip, files.length)}), ${(skipBytes / 1e6).toFixed(2)} MB (${pct(skipBytes, bytes)} of the bytes)`);
