"""Financing models of home-based services (report 000 §6, digest 000 §4)."""
