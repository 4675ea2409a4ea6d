// Public test keys (from /work/shared/interop/age-cli/keys; never used for real
// secrets) and a hand-written manifest in the style users write.
export const AGE_ALICE = "age1v0vprzzns83u47cd0hdjpemfd6zaxgxgter0vqfqfjepvh6egpwq4m02mx";
export const AGE_BOB = "age124wxw82hdl25xqwz6fmlunut8gwhhxghl4em7rlkw5lfr7dcjfdqynkjhy";
export const ED25519_HANNIBAL =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO+xERPbV0N3g2HEoLyhbufu4PHuu/+4W8TSm2dulpD3 root@hannibal";
export const ED25519_LECTER =
  "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHgn8nKacToC/Ip+eG91/J0glQ0EQAv9WlPlwWgJI4xy root@lecter";
export const RSA_3072 =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQDT9bifirB0WGarwHrnpb/0N5PAKG8vPgk7kFMDoaTX0GdCh4Pjx1lGZ/AxA/VhjBiS5areNFoE4Y8slbPcivlRgI4QVw9ZK5nfO02h0zLyhj74/Al4mY8IpWmELlW21jUb7Ufw99QNlVcXeewqWZf4rrUtLGt8jUZVms9f6niBZeVbdtfaajU4sSthyxX/wAPInBDb47RIlNxT66w9gQX5WNqRV4J0DROZSNvsCefmrFoBgcnFJQAN9kYN77Oe/ilZSI3ipgioByhIShPZM/CuVqZwjFrsrcVffe3GhOdDWC5J8vKnlPvZaJKEI10+kRVcdh+WPN4/LoW/McPU63/Wv7Fx2UuzGzeC+tJPl0DI80LsKpnh7kfSlG1K+u+LWLN8QnmlX8h6y0bjEEqUprM2DH1Ul6bGIeyYvCZ75Cd1CxsVWnyPbX9xMIZ8iZFKbusDQ+QYuztVumSdfGwzDRhpX4hw1k0s51LBvzGbfGLMp2LaGrinwjjtf7ZcoJ2DGA8= root@clarice";
export const RSA_1024 =
  "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDDqmmwwFcna1ruzgrqL7tvvQf8/NqQarN6A0+1OPHUN2H4d25t+bpGydC+ifzOA3kWfpcgXqqkU1LyYJl0zcw3+H6yOuzdWKF+KsoXRGt/544WUQt1Ohnl8bQZwtgoYXuZSIpRbaUo+3lsBqMtQqMSMQsqRQSVnZbbkSVDuCwHEQ==";
export const ECDSA =
  "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBKHvcnCxLTeo6MABpGiJ3LD2QX1K/1xUHdVmA/S3iRoIrM6yrBTq+ZKTnPQL4dXvCCKwJ6LJZGvZwtwpxVAaDAs=";

/** Aligned comments, flow lists, blank lines, a schema modeline: what an edit must keep. */
export const HANDWRITTEN = `# yaml-language-server: $schema=./schema/nixsec.schema.json
# Who may read which secret. Edited by hand and by \`nixsec\`.
version: 1

settings:
  secretsDir: secrets          # relative to this file
  generatedDir: nix/nixsec

admins:
  alice:
    key: ${AGE_ALICE}  # laptop

hosts:
  hannibal:                    # the NAS
    key: "${ED25519_HANNIBAL}"

secrets:
  withings/clientSecret:
    hosts: [hannibal]          # only the NAS runs it
    owner: withings-weights    # default root
    mode: "0400"
    generate: { kind: password, length: 32 }
    maxAge: 90d
    wire: [{ option: services.withings-weights.oauthClientSecretFile }]

  # samba user password, piped into smbpasswd
  smb/alice:
    hosts:
      - hannibal
    description: samba password for alice
`;
