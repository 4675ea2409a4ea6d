{ stdenv, fetchurl, openssl }:
stdenv.mkDerivation rec {
  pname = "tool";
  version = "1.2.3";
  src = fetchurl { url = "https://downloads.example.org/${pname}-${version}.tar.gz"; hash = "sha256-{{blind:b64:43}}="; };
  doInstallCheck = true;
  installCheckPhase = ''
    $out/bin/tool --self-test --password=selftest-dummy
  '';
}
