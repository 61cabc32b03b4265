"""Delivered time (levert tid): visit logs, manual visits, and decided vs. delivered."""
