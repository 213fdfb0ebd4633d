"""Afterline: aftercare and recovery tracking for microsclerotherapy clinics."""
