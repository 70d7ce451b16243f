"""Hindi date and time formats that Django's ``hi`` locale does not set.

Without them the Hindi admin falls back to Django's American defaults: "दिसम्बर 2, 2026"
and, in short, "12/02/2026", which an Indian desk reads as 12 February. Django's own
``hi`` formats (``j F Y``, ``d-m-Y``) are kept; these add the day-first forms with the
time, and the month with its year.
"""

DATETIME_FORMAT = "j F Y, g:i A"
SHORT_DATETIME_FORMAT = "d-m-Y, g:i A"
YEAR_MONTH_FORMAT = "F Y"
