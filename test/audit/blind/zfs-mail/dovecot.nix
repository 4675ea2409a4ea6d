{ config, ... }:
let adminPwFile = config.sops.secrets.doveadm.path;
in {
  services.dovecot2.extraConfig = ''
    service doveadm {
      inet_listener { port = 12345 }
    }
    doveadm_password = <${adminPwFile}
  '';
  mailserver.loginAccounts."me@mail.lan".hashedPasswordFile = config.sops.secrets."mail/me".path;
}
