{ config, pkgs, ... }:
let regFile = "/var/lib/matrix-synapse/telegram-registration.yaml";
in {
  services.mautrix-telegram.settings.appservice = {
    as_token = "$AS_TOKEN";
    hs_token = "$HS_TOKEN";
  };
  systemd.services.mautrix-telegram.preStart = ''
    export AS_TOKEN=$(${pkgs.yq}/bin/yq -r .as_token ${regFile})
    export HS_TOKEN=$(${pkgs.yq}/bin/yq -r .hs_token ${regFile})
  '';
  programs.gpg.publicKeys = [{ source = ./keys/me.asc; trust = 5; }];
  services.bind.zones."int.example".keys = [{ algorithm = "ED25519"; publicKey = "{{blind:b64:88}}"; flags.zoneSigningKey = true; }];
  programs.git.signing.key = "B4E3D4801C49EC5E";
  systemd.user.services.music-scrobble.script = ''
    export SCROBBLE_TOKEN=$(cat ${config.sops.secrets.scrobble.path})
  '';
}
