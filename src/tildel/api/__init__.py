"""Public REST API (/api/v1/): cases, decisions, orders and complaints.

The same service functions, rules and access checks as the screens; errors are structured
(``{"feil": ..., "felt": {field: [messages]}}``) with a 4xx status, never a 500.
"""
