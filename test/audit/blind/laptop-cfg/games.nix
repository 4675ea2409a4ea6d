{ pkgs, ... }:
{
  users.users.jo.packages = [ pkgs.factorio ];
  nixpkgs.config.packageOverrides = p: {
    factorio = p.factorio.override {
      username = "jo-blind";
      token = "{{blind:hex:30}}";
    };
  };
}
