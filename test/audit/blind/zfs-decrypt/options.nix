{ lib, ... }:
{
  options.keysDir = lib.mkOption { type = lib.types.str; default = "/root/keys"; description = "Directory with this machine's key files."; };
}
