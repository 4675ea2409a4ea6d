{ config, pkgs, ... }:
{
  accounts.email.accounts.work = {
    address = "sam@work.example";
    imap.host = "imap.work.example";
    passwordCommand = "secret-tool lookup mail work";
  };
  xdg.configFile."aerc/accounts.conf".text = ''
    [personal]
    source = imaps://sam%40mail.example:mailbox-blind-pw@imap.mail.example
    outgoing = smtps://sam%40mail.example@smtp.mail.example
    outgoing-cred-cmd = pass show mail/personal
  '';
}
