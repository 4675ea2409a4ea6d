{ config, pkgs, lib, ... }:
let
  # one key per host; impure, but good enough
  initrdHostKey = pkgs.runCommandLocal "initrd-ssh-host-key" { buildInputs = [ pkgs.openssh ]; } ''
    ssh-keygen -t ed25519 -N "" -C "initrd" -f key
    mv key $out
  '';
in {
  boot.initrd.network.ssh = {
    enable = true;
    port = 2222;
    hostKeys = [ initrdHostKey ];
    authorizedKeys = config.users.users.root.openssh.authorizedKeys.keys;
  };
}
