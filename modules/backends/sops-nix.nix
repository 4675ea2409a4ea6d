# The sops-nix backend of the nixsec module: sops-nix's module decrypts each
# secret (sops.secrets, from the secret's file in sops' binary format) and
# renders templates itself (sops.templates, with config.sops.placeholder
# where a value goes). The interface every backend gives is described in
# ../nixsec.nix ("Backends").
{ config, lib, pkgs, nlib }:
let
  # The host key nixsec encrypts a sops-nix host's files to (its ssh-ed25519
  # key, converted to age by sops-nix as by `nixsec`): the ed25519 keys of
  # services.openssh.hostKeys, as sops-nix itself defaults, and the standard
  # path when sshd is off (sops-nix's own default would then be empty).
  hostKeys =
    let
      openssh = config.services.openssh or { };
      keys = if openssh.enable or false then map (k: k.path) (lib.filter (k: (k.type or "") == "ed25519" && !(lib.hasPrefix "/run/secrets" k.path)) (openssh.hostKeys or [ ])) else [ ];
    in
    if keys == [ ] then [ "/etc/ssh/ssh_host_ed25519_key" ] else keys;
  units = plan: key: map (u: "${u}.service") (plan.restarts.${key} or [ ]);
in
{
  name = "sops-nix";
  # The top-level option sops-nix's module declares.
  root = "sops";
  importHint = "import sops-nix's module: imports = [ sops-nix.nixosModules.sops ]";

  secretPath = name: config.sops.secrets.${name}.path;
  templatePath = name: config.sops.templates.${name}.path;
  # sops-nix renders templates itself, when it installs the secrets.
  templateUnit = null;

  # Under `sops`. Consumers restart with a value through restartTriggers (as
  # on every backend) and through sops-nix's restartUnits, which it runs when
  # an installed file's content changes.
  definitions = hostData: plan: {
    secrets = nlib.sopsSecrets { inherit hostData; restartUnits = name: units plan "secret:${name}"; };
    # The text goes into the store under a name of nixsec's: sops-nix's
    # default (pkgs.writeText of the template's name) fails for names with
    # a "/" such as "app/config".
    templates = builtins.mapAttrs (name: t: t // { file = pkgs.writeText (nlib.templateFileName name) t.content; }) (nlib.sopsTemplates {
      inherit hostData;
      placeholder = name: config.sops.placeholder.${name};
      restartUnits = name: units plan "template:${name}";
    });
    age.sshKeyPaths = lib.mkDefault hostKeys;
  };

  units = _: { };
}
