"""The job worker: scheduler tick jobs that call the same services as the API routes."""
