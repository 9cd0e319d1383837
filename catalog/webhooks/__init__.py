"""Webhooks: registering endpoints (`hooks`), writing events (`events`), posting them
(`delivery`) and the message formats (`payload`). See docs/webhooks.md."""
