{ config, lib, inputs, ... }:
{
  imports = [ ./services/grafana.nix ./services/shares.nix ];
  age.identityPaths = [ "/etc/ssh/ssh_host_ed25519_key" ];
  age.secrets.pw-hash.file = ./agenix/pw-hash.age;
  age.secrets.mail.file = "${inputs.private}/secrets/mail.age";
  age.secrets.ups.file = "${inputs.private}/secrets/ups.age";
  users.users.me.hashedPasswordFile = config.age.secrets.pw-hash.path;
  environment.etc."ssh/ssh_host_ed25519_key.pub".text = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHostKeyBlindBlindBlindBlindBlindBlindBlind root@box";
  power.ups.users.monitor.passwordFile = config.age.secrets.ups.path;
  power.ups.upsmon.monitor.main.passwordFile = lib.mkDefault "";
}
