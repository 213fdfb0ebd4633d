"""Results of a treatment session: the practitioner's review outcome and the patient's rating."""
