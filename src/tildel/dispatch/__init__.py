"""Dispatch channels (utsendingskanaler) for letters: local outbox and KS Fiks SvarUt."""
