{ config, pkgs, ... }:
let creds = import ./load-creds.nix;
in {
  services.hydra = {
    enable = true;
    hydraURL = "https://hydra.lan";
    notificationSender = "hydra@lan";
    extraConfig = with creds; ''
      <github_authorization>
        example-org = token ${ghTokenA}
        other-org = token ${ghTokenA}
        side-project = token ${ghTokenB}
      </github_authorization>
      max_output_size = 4294967296
    '';
  };
}
