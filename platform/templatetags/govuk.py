"""Template helpers for GOV.UK Frontend markup."""

from django import template

register = template.Library()

_WIDGET_CLASSES = {
    "text": "govuk-input",
    "email": "govuk-input",
    "password": "govuk-input",
    "number": "govuk-input govuk-input--width-5",
    "url": "govuk-input",
    "date": "govuk-input govuk-input--width-10",
    "datetime": "govuk-input",
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "selectmultiple": "govuk-select",
    "clearablefile": "govuk-file-upload",
    "file": "govuk-file-upload",
    "checkbox": "govuk-checkboxes__input",
}


@register.simple_tag
def govuk_widget(field):
    """Render a bound field's widget with the GOV.UK class for its kind (and error state)."""
    css = _WIDGET_CLASSES.get(field.widget_type, "govuk-input")
    if field.errors and css.split()[0] in {"govuk-input", "govuk-textarea", "govuk-select"}:
        css += f" {css.split()[0]}--error"
    attrs = {"class": css}
    if field.errors:
        attrs["aria-describedby"] = f"{field.auto_id}-error"
    elif field.help_text:
        attrs["aria-describedby"] = f"{field.auto_id}-hint"
    return field.as_widget(attrs=attrs)
