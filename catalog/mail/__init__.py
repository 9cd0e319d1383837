"""Mail beyond the outbox: signed reply addresses and replies received by `mail-in`."""
