# minecraft server: server.properties is rendered into the store
{ config, lib, pkgs, ... }:
{
  services.minecraft-server = {
    enable = true;
    eula = true;
    declarative = true;
    serverProperties = {
      server-port = 25565;
      difficulty = 2;
      motd = "alice's server";
      white-list = true;
      enable-rcon = true;
      "rcon.password" = "Rcon-Minecraft-Pw-17"; # expect: secret-option-literal
      "rcon.port" = 25575;
    };
    whitelist = { alice = "2a6b7c8d-1e2f-3a4b-5c6d-7e8f9a0b1c2d"; };
  };
}
