"""Request and response bodies: one schema per direction (`...Create` in, `...Public` out)."""
