from django.core.validators import RegexValidator

urn_validator = RegexValidator(r"^\d{6}$", "A URN is 6 digits, for example 114567.")
la_code_validator = RegexValidator(r"^\d{3}$", "An LA code is 3 digits, for example 881.")
establishment_number_validator = RegexValidator(r"^\d{4}$", "An establishment number is 4 digits, for example 2001.")
slug_validator = RegexValidator(
    r"^[a-z][a-z0-9-]{1,40}$",
    "Use 2 to 41 lower-case letters, digits or hyphens, starting with a letter.",
)
