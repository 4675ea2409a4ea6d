// Catalogue row 14: a webhook URL whose path (or query) is its credential.
// Anyone holding the URL can post as the integration: the URL is the secret.
import type { Rule } from "../rule.js";
import { fake } from "./fake.js";

export const webhookUrl: Rule = {
  id: "webhook-url",
  severity: "high",
  title: "webhook URL with its token",
  description:
    "A Discord, Microsoft Teams, Google Chat or Mattermost incoming-webhook URL, or a Telegram bot URL: the token is part of the URL, so whoever reads " +
    "the store or git can post as the integration. (Slack webhooks are slack-token.)",
  hint: "revoke the webhook, then nixsec add {secret} --host HOST --stdin (the whole URL) and nixsec wire {secret} --credential UNIT; read the URL from $CREDENTIALS_DIRECTORY at run time; {rotate}",
  catalogue: [14],
  matcher: {
    on: "text",
    keywords: ["/webhooks/", "webhook.office.com", "chat.googleapis.com", "/hooks/", "api.telegram.org/bot"],
    pattern:
      /https:\/\/(?:(?:ptb\.|canary\.)?discord(?:app)?\.com\/api\/webhooks\/\d{5,}\/[A-Za-z0-9_-]{40,}|[\w-]+\.webhook\.office\.com\/webhookb2\/[\w@.-]+\/IncomingWebhook\/[a-f0-9]{32}\/[\w-]+|chat\.googleapis\.com\/v1\/spaces\/[\w-]+\/messages\?[^\s"']*\btoken=[\w%-]{20,}|[\w.-]+(?::\d+)?\/hooks\/[a-z0-9]{26}(?![\w-])|api\.telegram\.org\/bot\d{6,}:[A-Za-z0-9_-]{30,})/g,
  },
  examples: {
    leaks: [
      `{ services.alertmanager-discord.webhookUrl = "${fake.discordWebhook("ex1")}"; }`,
      `let hook = "${fake.discordWebhook("ex2")}"; in { systemd.services.x.script = "curl -d x '\${hook}'"; }`,
      `{ x = "https://api.telegram.org/bot${fake.telegramBot("ex3")}/sendMessage"; }`,
    ],
    safe: [
      `{ services.alertmanager-discord.webhookUrlFile = "/run/secrets/discord"; x = "https://discord.com/api/webhooks/"; }`,
      `{ x = "https://git.example.org/hooks/update"; y = "https://example.org/api/webhooks/123/\${token}"; }`,
    ],
  },
};
