{ config, pkgs, ... }:
{
  programs.msmtp = {
    enable = true;
    accounts.default = {
      host = "smtp.mail.example";
      port = 587;
      tls = true;
      user = "alerts@example.org";
      password = "mailpass-blind-12";
    };
  };
  services.postfix.config.smtp_sasl_password_maps = "hash:/var/lib/postfix/sasl_passwd";
  services.postfix.mapFiles.sender_canonical = ./sender_canonical;
}
