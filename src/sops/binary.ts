// The engine's entry for the store (src/store/format-sops.ts): one secret per
// file in sops' binary format. It leaves out the YAML reader and the `yaml`
// package (index.ts registers them), which a store command never needs: not
// loading them is ~10–20 ms of every command's start on a sops-nix store.
export { SopsError } from "./errors.js";
export { inspectSops, rewrapOpened } from "./file.js";
export { encryptSecretFile, openSecretFile } from "./secret.js";
export { newDataKey, preloadDataKeys } from "./datakey.js";
