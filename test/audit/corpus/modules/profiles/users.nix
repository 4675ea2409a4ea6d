# Shared users: most use hashedPasswordFile; two old entries publish hashes.
{ config, lib, pkgs, ... }:

let
  mkAdmin = name: keys: {
    isNormalUser = true;
    extraGroups = [ "wheel" ];
    openssh.authorizedKeys.keys = keys;
    hashedPasswordFile = config.age.secrets."${name}-password".path;
  };
in
{
  users.mutableUsers = false;
  users.users = {
    alice = mkAdmin "alice" [ "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICNJ5aWDGYyaxrSnCKVy98uWfHzrUyRki04qsKY3B4he alice@laptop" ];
    bob = mkAdmin "bob" [ "sk-ssh-ed25519@openssh.com AAAAGnNrLXNzaC1lZDI1NTE5QG9wZW5zc2guY29tAAAAIGvqZYlyhJaUXS8FJzEVosV4Lw1IFQUEujLNJ+qgZnWVAAAABHNzaDo= bob@yubikey" ];
    carol = {
      isNormalUser = true;
      hashedPassword = "{{fake:sha512crypt}}"; # expect: hashed-password
    };
    dave = {
      isNormalUser = true;
      # locked: "!" is not a hash
      hashedPassword = "!";
    };
    svc-backup = {
      isSystemUser = true;
      group = "backup";
      hashedPassword = lib.mkDefault null;
    };
  };
  users.users.root.initialHashedPassword = lib.mkForce "{{fake:yescrypt}}"; # expect: hashed-password
  users.groups.backup = { };

  security.sudo.extraRules = [
    { users = [ "svc-backup" ]; commands = [ { command = "/run/current-system/sw/bin/zfs"; options = [ "NOPASSWD" ]; } ]; }
  ];
}
