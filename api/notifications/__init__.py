"""Check-in prompts and the outbox that delivers them: inbox, Web Push and email."""
