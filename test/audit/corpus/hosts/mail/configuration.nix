# mail: simple-nixos-mailserver
{ config, pkgs, ... }:
{
  imports = [ (builtins.fetchTarball {
    url = "https://gitlab.com/simple-nixos-mailserver/nixos-mailserver/-/archive/nixos-24.11/nixos-mailserver-nixos-24.11.tar.gz";
    sha256 = "0clvw4622mqzk1aqw1qn6shl9pai097q62mq1ibzscnjayhp278b";
  }) ];

  mailserver = {
    enable = true;
    fqdn = "mail.example.org";
    domains = [ "example.org" ];
    loginAccounts = {
      "alice@example.org" = {
        hashedPasswordFile = "/run/agenix/mail-alice";
        aliases = [ "postmaster@example.org" ];
      };
      "bob@example.org" = {
        hashedPassword = "{{fake:sha512crypt}}"; # expect: hashed-password
      };
      "noreply@example.org" = {
        hashedPassword = "{{fake:yescrypt}}"; # expect: hashed-password
        sendOnly = true;
      };
    };
    certificateScheme = "acme-nginx";
    dkimKeyDirectory = "/var/dkim";
  };

  services.roundcube = {
    enable = true;
    hostName = "webmail.example.org";
    extraConfig = ''
      $config['smtp_server'] = "tls://${config.mailserver.fqdn}";
      $config['smtp_user'] = "%u";
      $config['smtp_pass'] = "%p";
      $config['des_key'] = 'Roundcube-Des-Key-24ch!'; # expect: file-text-secret
    '';
  };

  services.postfix.config.smtp_sasl_password_maps = "hash:/var/lib/postfix/sasl_passwd";
  services.postfix.mapFiles.sasl_passwd = "/run/agenix/postfix-sasl";
}
