// bcrypt-pbkdf ships no types; this is the one function nixsec calls.
declare module "bcrypt-pbkdf" {
  export function pbkdf(
    pass: Uint8Array,
    passlen: number,
    salt: Uint8Array,
    saltlen: number,
    key: Uint8Array,
    keylen: number,
    rounds: number,
  ): number;
  const _default: { pbkdf: typeof pbkdf };
  export default _default;
}
