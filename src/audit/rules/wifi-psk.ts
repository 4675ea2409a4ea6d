// Catalogue row 13: a Wi-Fi passphrase or raw PSK written inline.
import type { Rule } from "../rule.js";
import { notASecret } from "../values.js";

export const wifiPsk: Rule = {
  id: "wifi-psk",
  severity: "high",
  title: "Wi-Fi passphrase",
  description:
    "networking.wireless.networks.<ssid>.psk / pskRaw / auth (or a NetworkManager profile's wifi-security.psk) set to a literal. It is rendered into the " +
    "wpa_supplicant or NetworkManager config in the store; pskRaw is still the network key.",
  hint: "nixsec add wifi/NETWORK --host HOST --format env --stdin (psk_NETWORK=…), nixsec wire wifi/NETWORK --option networking.wireless.secretsFile, and write pskRaw = \"ext:psk_NETWORK\"; {rotate}",
  catalogue: [13],
  matcher: {
    on: "option",
    paths: ["networking.wireless.networks.*.psk", "networking.wireless.networks.*.pskRaw", "networking.wireless.networks.*.auth", "wifi-security.psk", "wifi-security.wep-key0", "networking.wireless.iwd.networks.*.Passphrase"],
    value: "string",
    accept: (v) => {
      if (v.path[v.path.length - 1] === "auth") {
        const m = /\bpassword="([^"]+)"/.exec(v.text);
        if (!m || notASecret(m[1]!) !== null) return false;
        const start = m.index + m[0].indexOf(m[1]!);
        return { start, end: start + m[1]!.length };
      }
      return notASecret(v.text) === null;
    },
  },
  examples: {
    leaks: [
      `{ networking.wireless.networks."Home Net".psk = "correct horse battery"; }`,
      `{ networking.wireless.networks.cafe.pskRaw = "9c6b0a9f8e4d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b"; }`,
      `{ networking.wireless.networks.eduroam.auth = ''\n  key_mgmt=WPA-EAP\n  identity="alice@uni.example"\n  password="Blue-Falcon-42"\n''; }`,
      `{ networking.networkmanager.ensureProfiles.profiles.home.wifi-security.psk = "Velvet-Lantern-88"; }`,
    ],
    safe: [
      `{ config, ... }: { networking.wireless.secretsFile = config.sops.secrets.wifi.path; networking.wireless.networks.home.pskRaw = "ext:psk_home"; }`,
      `{ networking.wireless.networks.old.psk = "@PSK_OLD@"; networking.networkmanager.ensureProfiles.profiles.home.wifi-security.psk = "$HOME_PSK"; }`,
      `{ networking.wireless.networks.guest = { }; networking.wireless.networks.open.authProtocols = [ "NONE" ]; }`,
    ],
  },
};
