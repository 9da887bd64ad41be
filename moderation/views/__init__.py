"""The moderation pages under ``/moderation/``: moderators only, except a member's own
pending change. Every state change is a POST that calls one service."""
