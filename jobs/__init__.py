"""The job worker: APScheduler 3.11 tick jobs that call the same services as the API.

There is never one scheduler job per patient: each job is a tick over everyone, set-based in
SQL, idempotent, and takes the current instant as an argument so tests and
`afterline jobs tick --at …` can run it as of any moment.
"""
