{ config, pkgs, ... }:
{
  services.solanum = {
    enable = true;
    motd = "welcome to the hub";
    config = ''
      serverinfo { name = "hub.irc.lan"; sid = "00H"; network_name = "lan"; };
      operator "alice" {
        user = "*@*";
        password = "Ab3dEf9hIjKlM";
        flags = encrypted;
        privset = "admin";
      };
      connect "leaf1.irc.lan" {
        host = "100.64.0.11";
        send_password = "linkpass-blind-1";
        accept_password = "linkpass-blind-1";
        port = 6667;
        class = "server";
      };
      connect "leaf2.irc.lan" {
        host = "100.64.0.12";
        send_password = "linkpass-blind-2";
        accept_password = "linkpass-blind-2";
        port = 6667;
      };
    '';
  };
}
