// Path globs for allow-lists: `*` and `?` within a segment, `**` across
// segments, a trailing `/` for a directory and everything under it. A pattern
// without `/` matches the basename at any depth (as in .gitignore).

export type PathMatcher = (path: string) => boolean;

function segmentRegex(glob: string): string {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        re += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else re += "[^/]*";
    } else if (c === "?") re += "[^/]";
    else re += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return re;
}

export function compileGlob(pattern: string): PathMatcher {
  let p = pattern.trim().replace(/^\.\//, "");
  if (p.endsWith("/")) p += "**";
  const anchored = p.includes("/");
  const re = new RegExp(`^${anchored ? "" : "(?:.*/)?"}${segmentRegex(p.replace(/^\//, ""))}$`);
  return (path) => re.test(path);
}
