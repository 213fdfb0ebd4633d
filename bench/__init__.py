"""`afterline bench`: the real server under load, measured against its own health endpoint."""
