# home-assistant: !secret references are resolved at run time from secrets.yaml
{ config, lib, pkgs, ... }:
{
  services.home-assistant = {
    enable = true;
    extraComponents = [ "met" "esphome" "mqtt" ];
    config = {
      homeassistant = { name = "Home"; unit_system = "metric"; time_zone = "Europe/Berlin"; };
      http = { server_host = "127.0.0.1"; trusted_proxies = [ "127.0.0.1" ]; use_x_forwarded_for = true; };
      mqtt = { broker = "127.0.0.1"; username = "hass"; password = "!secret mqtt_password"; };
      notify = [{
        platform = "telegram";
        name = "alice";
        chat_id = 12345678;
      }];
      telegram_bot = [{
        platform = "polling";
        api_key = "6123456789:AAE-hass-telegram-bot-key-18"; # expect: secret-option-literal
        allowed_chat_ids = [ 12345678 ];
      }];
      rest_command.garage = {
        url = "http://garage.lan/api/open";
        headers.Authorization = "Bearer {{fake:jwt}}"; # expect: jwt
      };
    };
  };

  systemd.tmpfiles.rules = [ "L+ /var/lib/hass/secrets.yaml - - - - /run/agenix/hass-secrets" ];
}
