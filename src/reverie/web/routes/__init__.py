"""The routers: ``auth`` (login, logout, account), ``workspace`` (the therapist's pages), ``portal`` (the client's)."""
