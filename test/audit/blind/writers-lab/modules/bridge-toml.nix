{ pkgs, ... }:
let
  toml = pkgs.formats.toml { };
  conf = toml.generate "bridge.toml" {
    telegram.api_id = 123456;
    telegram.api_hash = "{{blind:hex:32}}";
    matrix.as_token = "$AS_TOKEN";
  };
in { systemd.services.bridge.serviceConfig.ExecStart = "${pkgs.bridge}/bin/bridge -c ${conf}"; }
