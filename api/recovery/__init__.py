"""The recovery timeline: side effects and results of a patient's course on one axis."""
