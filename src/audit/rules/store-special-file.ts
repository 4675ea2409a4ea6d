// Managed-store check (issue 12, item 1): a symbolic link, hard link or other
// non-regular file in the secrets directory, the generated directory or as the
// manifest. Through a link, a commit can make `nixsec rekey` re-encrypt one
// secret to the readers of another, or make `nixsec gen` write outside the
// repository; nixsec refuses to read or write through them, and the audit
// names each one so a reviewer sees it before it is merged.
import type { Rule, StoreHit } from "../rule.js";

const WHAT = { symlink: "a symbolic link", hardlink: "a hard link", fifo: "a FIFO", socket: "a socket", device: "a device node" } as const;

export const storeSpecialFile: Rule = {
  id: "store-special-file",
  severity: "high",
  title: "link or special file in the managed store",
  description:
    "The manifest, or an entry under the secrets or generated directory, is a symbolic link, a hard link, a FIFO, a socket or a device node. Through a link " +
    "a commit can point one secret's file at another's, so that an ordinary rekey re-encrypts the second to the first one's readers, or make generated " +
    "files land outside the repository. nixsec never reads or writes through links in the store.",
  hint: "replace it with a regular file: git rm the link, then nixsec add NAME --force --stdin to write the secret's own file again and nixsec gen to rewrite generated files",
  catalogue: [17],
  matcher: {
    on: "store",
    check: (s) => {
      const hits: StoreHit[] = [];
      for (const e of s.specials) {
        let detail = `${e.path} is ${WHAT[e.kind]}`;
        if (e.kind === "symlink" && e.target !== undefined) detail += ` to ${e.target}`;
        if (e.kind === "hardlink" && e.links) detail += ` (${e.links} names for one file)`;
        hits.push({ file: e.path, line: 1, detail, anchor: `${e.kind}:${e.path}` });
      }
      return hits;
    },
  },
  examples: {
    leaks: [
      { store: { specials: [{ path: "secrets/x.age", kind: "symlink", target: "users/root/password.age" }] } },
      { store: { specials: [{ path: "secrets/team", kind: "symlink", target: "/home/alice/secrets" }, { path: "nixsec/data.nix", kind: "hardlink", links: 2 }] } },
      { store: { specials: [{ path: "secrets/pipe.age", kind: "fifo" }] } },
    ],
    safe: [
      { store: { files: [{ path: "secrets/db.age", envelope: "age" }], secrets: [{ name: "db", line: 3, file: "secrets/db.age" }] } },
    ],
  },
};
