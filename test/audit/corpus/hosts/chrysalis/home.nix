# home-manager config for alice on chrysalis
{ config, pkgs, lib, ... }:

let
  # fine: the token is read by the helper at run time
  ghHelper = "!${pkgs.gh}/bin/gh auth git-credential";
in
{
  home.username = "alice";
  home.homeDirectory = "/home/alice";

  programs.git = {
    enable = true;
    userName = "Alice Liddell";
    userEmail = "alice@example.org";
    signing = {
      key = "3AA5C34371567BD2";
      signByDefault = true;
    };
    extraConfig = {
      credential."https://github.com".helper = ghHelper;
      github.user = "alice";
      github.token = "{{fake:github}}"; # expect: github-token
    };
  };

  accounts.email.accounts.main = {
    primary = true;
    address = "alice@example.org";
    userName = "alice@example.org";
    realName = "Alice";
    passwordCommand = "cat /run/user/1000/secrets/mail";
    imap.host = "mail.example.org";
    smtp.host = "mail.example.org";
  };

  programs.rbw = {
    enable = true;
    settings.email = "alice@example.org";
    settings.pinentry = pkgs.pinentry-gnome3;
  };

  home.file.".config/rclone/rclone.conf".text = ''
    [b2]
    type = b2
    account = 0012f3e4d5c6b7a0000000001
    key = K001aBcDeFgHiJkLmNoPqRsTuVwXyZ0123 # expect: file-text-secret
    hard_delete = true

    [nas]
    type = sftp
    host = storage2.lan
    user = alice
    pass = Rclone-Obscured-Pw-31 # expect: file-text-secret
  '';

  xdg.configFile."restic/env".text = ''
    RESTIC_REPOSITORY=sftp:storage2.lan:/srv/restic
    RESTIC_PASSWORD_FILE=/run/user/1000/secrets/restic
  '';

  home.sessionVariables = {
    EDITOR = "hx";
    OPENAI_API_KEY = "sk-proj-4cX9vQ2mLr8tYw3Zp6Kd1Fh7"; # expect: environment-secret
    NPM_TOKEN_FILE = "${config.xdg.configHome}/npm/token";
  };

  home.stateVersion = "24.11";
}
