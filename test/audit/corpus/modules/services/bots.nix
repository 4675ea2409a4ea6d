# Small bots packaged with writers: the token belongs in a credential, not the script.
{ config, lib, pkgs, ... }:

let
  telegramToken = "7123456789:AAH-telegram-bot-token-fake-x9"; # expect: store-writer-secret
  notify = pkgs.writeShellScriptBin "notify" ''
    set -eu
    ${pkgs.curl}/bin/curl -fsS "https://api.telegram.org/bot$(cat "$CREDENTIALS_DIRECTORY/telegram")/sendMessage" \
      -d chat_id=12345678 -d text="$1"
  '';
  notifyBad = pkgs.writeShellScriptBin "notify-bad" ''
    TOKEN=${telegramToken}
    ${pkgs.curl}/bin/curl -fsS "https://api.telegram.org/bot$TOKEN/sendMessage" -d chat_id=12345678 -d text="$1"
  '';
in
{
  environment.systemPackages = [ notify notifyBad ];

  systemd.services.discord-bot = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig = {
      DynamicUser = true;
      LoadCredential = "discord:/run/agenix/discord-token";
      ExecStart = pkgs.writers.writePython3 "discord-bot" { libraries = [ pkgs.python3Packages.discordpy ]; } ''
        import os, pathlib
        TOKEN = pathlib.Path(os.environ["CREDENTIALS_DIRECTORY"], "discord").read_text().strip()
        print("starting")
      '';
    };
  };

  systemd.services.matrix-reminder = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = pkgs.writers.writePython3 "reminder" { } ''
      import requests
      ACCESS_TOKEN = "syt_YWxpY2U_Reminder-Bot-Access-Token"  # expect: store-writer-secret
      HOMESERVER = "https://matrix.example.org"
    '';
  };

  systemd.services.webhook-relay = {
    wantedBy = [ "multi-user.target" ];
    serviceConfig.ExecStart = "${pkgs.writeShellScript "relay" ''
      exec ${pkgs.webhook}/bin/webhook -hooks /etc/webhook/hooks.json -secret Relay-Hmac-Secret-11 -verbose # expect: cmdline-secret
    ''}";
  };

  environment.etc."webhook/hooks.json".source = (pkgs.formats.json { }).generate "hooks.json" [
    {
      id = "deploy";
      execute-command = "/run/current-system/sw/bin/deploy";
      trigger-rule.match = { type = "payload-hmac-sha256"; secret = "Deploy-Hook-Hmac-22"; parameter = { source = "header"; name = "X-Hub-Signature-256"; }; }; # expect: secret-option-literal
    }
  ];
}
