"""Provision (tjenesteyting): what the provider units do with the orders they receive."""
