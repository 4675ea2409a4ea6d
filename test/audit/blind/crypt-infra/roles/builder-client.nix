{ config, lib, nodes, secrets, ... }:
let keyPath = "distbuild/id_ed25519";
in {
  nix.buildMachines = [{
    hostName = "builder.lan";
    sshUser = "nixbuild";
    sshKey = "/etc/${keyPath}";
    protocol = "ssh-ng";
    publicHostKey = "c3NoLWVkMjU1MTkgQUFBQUMzTnphQzFsWkRJMU5URTVBQUFBSUtleUZvckJ1aWxkZXI=";
    systems = [ "x86_64-linux" ];
  }];
  # copy the private key out of the store to get 0400 permissions
  environment.etc.${keyPath} = {
    text = secrets.builder.priv;
    mode = "0400";
  };
}
