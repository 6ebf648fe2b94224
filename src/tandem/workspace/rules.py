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


# Passwords (and stems) that lead every leaked-password list. Shorter ones are refused by length anyway;
# a stem matches with digits and punctuation stripped from the end ("Password2026!" -> "password").
COMMON_PASSWORDS = frozenset("""
123456789012 1234567890123 12345678901234 111111111111 000000000000 123123123123 121212121212
qwertyuiopas qwertyuiop12 qwerty123456 1q2w3e4r5t6y 1qaz2wsx3edc qazwsxedcrfv zaq12wsxcde3 asdfghjkl123
abcdefghijkl abcdefg12345 abc123abc123 abcd1234abcd passwordpassword password1234 password12345
password123456 passw0rd1234 p@ssw0rd1234 iloveyou1234 iloveyouiloveyou letmeinletmein welcome12345
welcome123456 administrator admin1234567 changeme1234 trustno1trustno1 football1234 baseball1234
sunshine1234 princess1234 superman1234 starwars1234 whatever1234 qwertyqwerty monkeymonkey
dragondragon master123456 michael12345 jennifer1234 corvette1234 mustang12345 shadow123456
""".split())
COMMON_STEMS = frozenset("""
password passw0rd p@ssw0rd p@ssword qwerty qwertyuiop asdfgh asdfghjkl zxcvbnm iloveyou letmein welcome
admin administrator changeme trustno1 secret default monkey dragon master football baseball sunshine
princess superman batman starwars whatever tandem login guest
""".split())
_TAIL = re.compile(r"[\d\W_]+$")


def check_password(password: str, *, email: str = "") -> None:
    """Long enough, not a well-known password, and not built from the person's email name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            f"Password must have at least {MIN_PASSWORD_LENGTH} characters.", field="password"
        )
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or _TAIL.sub("", lowered) in COMMON_STEMS or len(set(lowered)) < 4:
        raise RuleViolation("That password is on every attacker's list; choose a less common one "
                            "(a few unrelated words work well).", field="password")
    local = email.lower().partition("@")[0]
    names = {local, *(part for part in re.split(r"[._+-]+", local) if len(part) >= 4)}
    if any(len(name) >= 3 and name in lowered for name in names):
        raise RuleViolation("Password must not contain your email name.", field="password")


def check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise RuleViolation("Name is required.", field="name")
    if len(name) > 200:
        raise RuleViolation("Name is longer than 200 characters.", field="name")
    return name
