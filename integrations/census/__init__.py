"""The school census SEN extract."""
