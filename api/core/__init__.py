"""The small core every domain module shares: settings, database, clock, security, errors."""
