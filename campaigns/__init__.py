"""Relance domain: models and every business rule. Never imports Flask."""
