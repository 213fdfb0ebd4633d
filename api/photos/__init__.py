"""Photos of treated areas: re-encoded without metadata, sealed at rest, shown to their owners."""
