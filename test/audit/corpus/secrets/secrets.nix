# agenix rules: which keys can decrypt which file
let
  alice = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";
  hannibal = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICNJ5aWDGYyaxrSnCKVy98uWfHzrUyRki04qsKY3B4he";
  storage2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEaVB3uP20MO9DV7x2GejsMHLNPxe+Mdp6ZBZ7uCR6SQ";
in
{
  "grafana-admin.age".publicKeys = [ alice hannibal ];
  "withings-client-secret.age".publicKeys = [ alice hannibal ];
  "restic-password.age".publicKeys = [ alice storage2 ];
  "wg-storage2.age".publicKeys = [ alice storage2 ];
}
