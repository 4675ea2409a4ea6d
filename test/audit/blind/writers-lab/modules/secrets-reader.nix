{ config, lib, ... }:
with builtins;
let
  apiKey = readFile ../secrets/weather-api-key;
  mqttPw = lib.fileContents ../secrets/mqtt-password;
  stationName = readFile ../station-name.txt;
in {
  services.weather-station.settings = { api_key = apiKey; station = stationName; mqtt.password = mqttPw; };
}
