// A tracked .env file with secret assignments (not in the catalogue's Nix rows, but the same store/git leak).
import { hasSopsMetadata } from "../encryption.js";
import type { FileHit, Rule } from "../rule.js";
import { isSecretName } from "../words.js";
import { notASecret } from "../values.js";

const DOTENV = /(?:^|\/)(?:\.env(?:\.[^/]+)?|[^/]+\.env)$/;
const TEMPLATE = /\.(?:example|sample|template|tmpl|dist|defaults?|schema|in)$/i;

export const dotenvFile: Rule = {
  id: "dotenv-file",
  severity: "high",
  title: "secret in a tracked .env file",
  description:
    "A .env file (or NAME.env) with a secret-sounding variable set to a value. It is in git, and in the store when the repository is a flake. " +
    "Templates (.env.example, .env.sample, …) are not checked.",
  hint: "nixsec add UNIT/env --host HOST --format env --from-file THAT-FILE, nixsec wire UNIT/env --environment-file UNIT, then git rm --cached the file and add it to .gitignore; {rotate}",
  catalogue: [16],
  matcher: {
    on: "file",
    // in a secrets directory too: secrets-dir-plaintext names the file, this names each secret line in it
    applies: (path) => DOTENV.test(path) && !TEMPLATE.test(path),
    check: (f) => {
      if (f.text === null || hasSopsMetadata(f.text)) return [];
      const hits: FileHit[] = [];
      const re = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*(.*)$/gm;
      for (let m = re.exec(f.text); m; m = re.exec(f.text)) {
        if (!isSecretName(m[1]!)) continue;
        let raw = m[2]!;
        let off = m.index + m[0].length - raw.length;
        const q = raw[0];
        if (q === '"' || q === "'") {
          const close = raw.indexOf(q, 1);
          raw = raw.slice(1, close > 0 ? close : undefined);
          off += 1;
        } else {
          if (raw.startsWith("#")) continue; // `NAME=   # comment`: empty
          const hash = raw.search(/\s#/);
          if (hash >= 0) raw = raw.slice(0, hash);
          raw = raw.trimEnd();
        }
        if (notASecret(raw) !== null) continue;
        hits.push({ start: off, end: off + raw.length, detail: `${m[1]} in ${f.path}` });
      }
      return hits;
    },
  },
  examples: {
    leaks: [
      { path: ".env", text: "PORT=8080\nDATABASE_PASSWORD=Harbor-Lights-7\n" },
      { path: "deploy/withinbot.env", text: "export DISCORD_TOKEN='Mx-discord-token-value'\n" },
    ],
    safe: [
      { path: ".env.example", text: "DATABASE_PASSWORD=changeme\n" },
      { path: ".env", text: "PORT=8080\nDATABASE_PASSWORD=\nAPI_TOKEN=${API_TOKEN}\nSECRET_KEY_FILE=/run/secrets/key\n" },
    ],
  },
};
