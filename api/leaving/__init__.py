"""Leaving: a patient closing their account, and erasing patients past their clinic's
retention period (`afterline retention`)."""
