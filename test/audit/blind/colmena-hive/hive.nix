{
  meta.nixpkgs = import ./nixpkgs.nix;
  desk = { ... }: {
    deployment = { allowLocalDeployment = true; targetHost = null; };
    imports = [ ./machines/desk.nix ];
  };
  cloud = { ... }: {
    deployment = {
      targetHost = "cloud.example.net";
      keys = {
        "dns-token".keyFile = "/home/sam/.deploy-keys/dns-token";
        "restic-password".keyFile = "/home/sam/.deploy-keys/restic";
        "rclone.conf".keyCommand = [ "pass" "show" "cloud/rclone" ];
        "monitoring-htpasswd" = {
          text = "netdata:$apr1$blindslt$AbCdEfGhIjKlMnOpQrStU/";
          user = "nginx";
        };
        "mail-relay-password".text = "relay-blind-pw-88";
      };
    };
    imports = [ ./machines/cloud.nix ];
  };
}
