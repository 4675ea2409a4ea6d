{ pkgs, ... }:
{
  environment.systemPackages = [
    (pkgs.fetchurl {
      url = "https://downloads.example.org/tool-1.2.3.tar.gz";
      sha256 = "0x7c0bf1d0a7h1n2dk5j8w3q9e4r6t1y2u3i4o5p6a7s8d9f0g1h2";
    })
    (pkgs.fetchFromGitHub {
      owner = "example"; repo = "thing"; rev = "3f1c9a0d5b7e2f4a6c8e0b1d3f5a7c9e1b3d5f7a";
      hash = "sha256-{{blind:b64:43}}=";
    })
  ];
  nix.settings.substituters = [ "https://cache.example.org" ];
}
