{ config, ... }:
let
  rootPw = "{{fake:sha512crypt}}";
  partnerPw = "{{fake:sha512crypt}}";
  keys = [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBlindBlindBlindBlindBlindBlindBlindBlind1 me@laptop" ];
in {
  users.mutableUsers = false;
  users.users.root = { hashedPassword = rootPw; openssh.authorizedKeys.keys = keys; };
  users.users.partner = { isNormalUser = true; hashedPassword = partnerPw; };
}
