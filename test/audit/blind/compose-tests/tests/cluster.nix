{ pkgs }:
let
  common = { ... }: {
    users.users.nixos = { isNormalUser = true; extraGroups = [ "wheel" ]; initialPassword = "nixos"; };
    system.stateVersion = "24.11";
  };
in pkgs.nixosTest {
  name = "cluster";
  nodes.control = { imports = [ common ]; };
  nodes.worker = { imports = [ common ]; };
  testScript = "control.wait_for_unit('multi-user.target')";
}
