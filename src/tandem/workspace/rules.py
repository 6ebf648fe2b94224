"""Pure rules for people: handles, e-mail syntax, the password policy."""

from __future__ import annotations

import re
import unicodedata

from email_validator import EmailNotValidError, validate_email

from tandem.errors import RuleViolation
from tandem.workspace.auth import MIN_PASSWORD_LENGTH

HANDLE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,39}$")


def normalise_email(value: str) -> str:
    try:
        return validate_email(value.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise RuleViolation(f"Email is not valid: {exc}", field="email") from exc


def handle_from_name(name: str) -> str:
    """``Ana María Ruiz`` -> ``ana.ruiz``: first and last name, accents dropped."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", ascii_name.lower()) if p]
    if not parts:
        return "person"
    handle = parts[0] if len(parts) == 1 else f"{parts[0]}.{parts[-1]}"
    return handle if handle[0].isalpha() else f"p{handle}"


def check_handle(handle: str) -> str:
    if not HANDLE.match(handle):
        raise RuleViolation(
            "Handle must start with a letter and use letters, digits, '.', '-' or '_' (40 at most).",
            field="handle",
        )
    return handle


def check_password(password: str, *, email: str = "") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            f"Password must have at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    if email and password.lower() == email.lower():
        raise RuleViolation("Password must not be the email address.", field="password")


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise RuleViolation("Name is required.", field="name")
    if len(name) > 200:
        raise RuleViolation("Name is longer than 200 characters.", field="name")
    return name
