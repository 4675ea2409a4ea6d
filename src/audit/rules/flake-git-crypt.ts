// Catalogue row 16: git-crypt inside a flake.
import type { FileHit, Rule } from "../rule.js";

export const flakeGitCrypt: Rule = {
  id: "flake-git-crypt",
  severity: "medium",
  title: "git-crypt files in a flake",
  description:
    "A .gitattributes entry with filter=git-crypt in a repository that has a flake.nix. Flakes copy the source tree into the store, and with git-crypt " +
    "unlocked that copy is the plaintext (nixpkgs#139978, nix#5260).",
  hint: "move those files to nixsec (nixsec add NAME --host HOST --from-file FILE for each), then drop the git-crypt filter",
  catalogue: [16],
  matcher: {
    on: "file",
    applies: (path) => /(?:^|\/)\.gitattributes$/.test(path),
    check: (f) => {
      if (!f.hasFlake || f.text === null) return [];
      const hits: FileHit[] = [];
      const re = /^[^#\n]*\bfilter=git-crypt\b.*$/gm;
      for (let m = re.exec(f.text); m; m = re.exec(f.text)) {
        // git-crypt over files that are ciphertext or public already (`*.age`, agenix's secrets.nix) publishes nothing
        if (/^\s*(?:\S*\.(?:age|gpg|asc|pub)|(?:\S*\/)?secrets\.nix)\s/.test(m[0])) continue;
        hits.push({ start: m.index, end: m.index + m[0].length, detail: "git-crypt filter in a flake", secret: { start: 0, end: 0 } });
      }
      return hits;
    },
  },
  examples: {
    leaks: [{ path: ".gitattributes", text: "secrets/** filter=git-crypt diff=git-crypt\n", with: { "flake.nix": "{ outputs = _: { }; }\n" } }],
    safe: [
      { path: ".gitattributes", text: "*.age binary\n# secrets/** filter=git-crypt\n", with: { "flake.nix": "{ outputs = _: { }; }\n" } },
      { path: ".gitattributes", text: "secrets/** filter=git-crypt diff=git-crypt\n" },
      { path: "secrets/.gitattributes", text: "secrets.nix filter=git-crypt diff=git-crypt\n*.age filter=git-crypt diff=git-crypt\n", with: { "flake.nix": "{ outputs = _: { }; }\n" } },
    ],
  },
};
