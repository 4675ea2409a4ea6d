{ pkgs ? import <nixpkgs> { } }:
pkgs.writeShellApplication {
  name = "appt-check";
  text = builtins.readFile ./check.sh;
  runtimeInputs = [ pkgs.curl pkgs.jq ];
}
