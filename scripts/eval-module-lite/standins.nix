# Stand-ins for the NixOS options that modules/nixsec.nix, agenix's module and
# the example hosts touch, so they evaluate with `lib.evalModules` and
# nixpkgs' lib alone (no nixpkgs checkout). Each declaration has the type of
# the NixOS option it stands for, as far as the module's behaviour depends
# on it (attrsOf submodule for named instances, lists that concatenate).
# Used by scripts/eval-module-lite.sh; not a NixOS module for real use.
{ lib, config, ... }:
let
  inherit (lib) mkOption types;
  any = mkOption { type = types.unspecified; default = null; };
  bool = mkOption { type = types.bool; default = false; };
  str = default: mkOption { type = types.str; inherit default; };
  strList = mkOption { type = types.listOf types.str; default = [ ]; };
  pathOrNull = mkOption { type = types.nullOr types.str; default = null; };
  # systemd unit options merge lists from several definitions (LoadCredential,
  # EnvironmentFile, ExecStartPre), as NixOS's unitOption does.
  unitSection = mkOption { type = types.attrsOf types.unspecified; default = { }; };
  fakePkg = name: "/nix/store/00000000000000000000000000000000-${name}";
in
{
  options = {
    assertions = mkOption { type = types.listOf types.unspecified; default = [ ]; };
    warnings = mkOption { type = types.listOf types.str; default = [ ]; };

    networking.hostName = str "nixos";
    networking.wireguard.interfaces = mkOption {
      type = types.attrsOf (types.submodule { options.privateKeyFile = pathOrNull; options.ips = strList; });
      default = { };
    };

    systemd.services = mkOption {
      type = types.attrsOf (types.submodule {
        options = {
          description = str "";
          wantedBy = strList;
          requiredBy = strList;
          after = strList;
          before = strList;
          wants = strList;
          requires = strList;
          restartTriggers = mkOption { type = types.listOf types.unspecified; default = [ ]; };
          serviceConfig = unitSection;
          unitConfig = unitSection;
          environment = mkOption { type = types.attrsOf types.str; default = { }; };
          path = mkOption { type = types.listOf types.unspecified; default = [ ]; };
          script = str "";
        };
      });
      default = { };
    };
    systemd.sysusers.enable = bool;
    services.userborn.enable = bool;
    system.activationScripts = mkOption { type = types.attrsOf types.unspecified; default = { }; };
    system.stateVersion = str "25.05";
    boot.isContainer = bool;
    boot.initrd.secrets = mkOption { type = types.attrsOf (types.nullOr types.str); default = { }; };

    users.mutableUsers = mkOption { type = types.bool; default = true; };
    users.users = mkOption {
      type = types.attrsOf (types.submodule ({ name, ... }: {
        options = {
          isNormalUser = bool;
          isSystemUser = bool;
          group = str "users";
          hashedPasswordFile = pathOrNull;
          extraGroups = strList;
        };
      }));
      default = { };
    };
    users.groups = mkOption { type = types.attrsOf (types.submodule { options.gid = any; }); default = { }; };

    services.openssh.enable = bool;
    services.openssh.hostKeys = mkOption {
      type = types.listOf types.unspecified;
      default = [ { type = "ed25519"; path = "/etc/ssh/ssh_host_ed25519_key"; } { type = "rsa"; path = "/etc/ssh/ssh_host_rsa_key"; bits = 4096; } ];
    };

    services.samba.enable = bool;
    services.samba.package = mkOption { type = types.str; default = fakePkg "samba"; };
    services.samba.settings = mkOption { type = types.attrsOf types.unspecified; default = { }; };

    services.nginx.enable = bool;
    services.nginx.virtualHosts = mkOption {
      type = types.attrsOf (types.submodule {
        options = {
          basicAuthFile = pathOrNull;
          locations = mkOption { type = types.attrsOf types.unspecified; default = { }; };
        };
      });
      default = { };
    };

    # simple-nixos-mailserver
    mailserver.enable = bool;
    mailserver.loginAccounts = mkOption {
      type = types.attrsOf (types.submodule { options.hashedPasswordFile = pathOrNull; });
      default = { };
    };

    # NixOS containers: each one's `config` is a NixOS configuration of its own.
    containers = mkOption {
      type = types.attrsOf (types.submodule {
        options.autoStart = bool;
        options.config = mkOption { type = types.deferredModule; default = { }; };
      });
      default = { };
    };

    # home-manager's NixOS module
    home-manager.users = mkOption {
      type = types.attrsOf (types.submodule { options.programs.mbsync.passwordFile = pathOrNull; });
      default = { };
    };
  };

  # What nixpkgs' samba and nginx modules define when they are enabled.
  config = lib.mkMerge [
    (lib.mkIf config.services.samba.enable { systemd.services.samba-smbd = { description = "Samba SMB Daemon"; }; })
    (lib.mkIf config.services.nginx.enable { systemd.services.nginx = { description = "Nginx Web Server"; }; })
  ];
}
