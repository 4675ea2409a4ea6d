// Catalogue row 12: a WireGuard private or preshared key written inline.
import type { Rule } from "../rule.js";
import { notASecret } from "../values.js";
import { fake } from "./fake.js";

export const wireguardPrivateKey: Rule = {
  id: "wireguard-private-key",
  severity: "high",
  title: "WireGuard private key",
  description:
    "A WireGuard privateKey / presharedKey (or networkd PrivateKey=/PresharedKey=) given inline. It is rendered into the interface config in the store; the " +
    "NixOS option text itself says to use privateKeyFile.",
  hint: "nixsec add wireguard/{secret} --host HOST --generate wireguard, then nixsec wire wireguard/{secret} {wire}; update the peers with the new public key",
  catalogue: [12],
  matcher: {
    on: "option",
    paths: [
      // list elements add no path segment: peers = [ { presharedKey = …; } ] is peers.presharedKey
      "networking.wireguard.interfaces.*.privateKey", "networking.wg-quick.interfaces.*.privateKey", "peers.presharedKey", "peers.*.presharedKey",
      "wireguardConfig.PrivateKey", "wireguardPeers.PresharedKey", "wireguardPeerConfig.PresharedKey",
    ],
    value: "string",
    accept: (v) => notASecret(v.text) === null,
  },
  examples: {
    leaks: [
      `{ networking.wireguard.interfaces.wg0.privateKey = "${fake.wireguard("ex1")}"; }`,
      `{ networking.wg-quick.interfaces.wg0.peers = [ { publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="; presharedKey = "${fake.wireguard("ex2")}"; } ]; }`,
      `{ systemd.network.netdevs."10-wg0".wireguardConfig.PrivateKey = "${fake.wireguard("ex3")}"; }`,
    ],
    safe: [
      `{ networking.wireguard.interfaces.wg0 = { privateKeyFile = "/run/agenix/wg0"; peers = [ { publicKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg="; } ]; }; }`,
      `{ systemd.network.netdevs."10-wg0".wireguardConfig.PrivateKeyFile = "/run/credentials/systemd-networkd.service/wg0"; }`,
    ],
  },
};
