{ pkgs, ... }:
let
  cfg = {
    listen = ":8080";
    upstreams = [ "http://10.0.0.2" ];
    auth.bearer = "{{blind:alnum:32}}";
  };
in {
  environment.etc."edge/config.json".text = builtins.toJSON cfg;
}
