{ ... }:
let port = 27701;
in {
  services.anki-sync-server = {
    enable = true;
    inherit port;
    users = [
      { username = "ada"; password = "cards-blind-2024"; }
    ];
  };
  services.caddy.virtualHosts."http://cards.lab".extraConfig = "reverse_proxy [::1]:${toString port}";
}
