# postfix relaying through a smarthost
{ config, lib, pkgs, ... }:
{
  services.postfix = {
    enable = true;
    relayHost = "smtp.example.net";
    relayPort = 587;
    config = {
      smtp_sasl_auth_enable = "yes";
      smtp_sasl_security_options = "noanonymous";
      smtp_sasl_password_maps = "texthash:${pkgs.writeText "sasl_passwd" "[smtp.example.net]:587 relay@example.org:Postfix-Relay-Pw-36"}"; # expect: store-writer-secret
      smtp_tls_security_level = "encrypt";
    };
  };

  services.postfix.mapFiles.sender_relay = pkgs.writeText "sender_relay" ''
    @example.org [smtp.example.net]:587
  '';

  programs.msmtp = {
    enable = true;
    accounts.default = {
      host = "smtp.example.net";
      port = 587;
      auth = true;
      tls = true;
      user = "relay@example.org";
      passwordeval = "cat /run/agenix/msmtp";
      from = "root@example.org";
    };
    accounts.backup = {
      host = "smtp.backup.example";
      user = "relay-backup@example.org";
      password = "Msmtp-Backup-Pw-37"; # expect: secret-option-literal
    };
  };
}
