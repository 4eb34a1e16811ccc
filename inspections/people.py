"""How a person is named on pages, records and exports: their full name, else their username."""


def name_from(first_name, last_name, username):
    """The display name from the parts (for rows read with values())."""
    return f"{first_name or ''} {last_name or ''}".strip() or username or "Unknown"


def display_name(user):
    """The display name of a user: `get_full_name()`, else the username."""
    if user is None:
        return ""
    return name_from(user.first_name, user.last_name, user.get_username())
