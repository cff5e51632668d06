"""Outgoing mail: messages from templates (message.py), SMTP (smtp.py) and delivery off
the request's path (outbox.py)."""
