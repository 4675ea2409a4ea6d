// The store's directories as a manifest's text names them, defaults otherwise.
// Only for decisions that must not load the store: whether a staged commit
// touches it, and where to look for links when the manifest does not load.
// (The manifest schema is the authority; keep the keys in sync with it.)
export function storeDirsOf(manifestText: string): string[] {
  const dir = (key: string, dflt: string): string => {
    const m = new RegExp(`^[ \\t]+${key}:[ \\t]*["']?([^"'#\\s]+)`, "m").exec(manifestText);
    return (m?.[1] ?? dflt).replace(/^\.\//, "").replace(/\/*$/, "/");
  };
  return [dir("secretsDir", "secrets"), dir("generatedDir", "nixsec")];
}
