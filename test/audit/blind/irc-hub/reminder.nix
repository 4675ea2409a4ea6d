{ pkgs, ... }:
let
  notify = { text, when }: {
    serviceConfig.Type = "oneshot";
    script = ''
      HOOK="$(cat /run/keys/chat-webhook)"
      ${pkgs.curl}/bin/curl -X POST -F "content=${text}" "$HOOK"
    '';
    startAt = when;
  };
in {
  systemd.services.weekly-report = notify { text = "weekly report due"; when = "Fri 16:00"; };
}
