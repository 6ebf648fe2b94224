"""Reference tables for normalisation: nicknames, placeholder values, month names, country aliases.

Plain data, kept apart from the rules in `normalize.py` so stewards can read and extend it.
Tables are whitespace-separated text so a new entry is one word, not one line of code.
"""

from __future__ import annotations

from collections.abc import Mapping


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _pairs(text: str) -> dict[str, str]:
    # "key=value" entries, with '_' standing for a space inside a key
    return {key.replace("_", " "): value for key, _, value in (w.partition("=") for w in text.split())}


DEFAULT_BLOCKED_VALUES: frozenset[str] = _words(
    """n/a na n.a. none null nil unknown unk - -- ? x xx xxx test tbd noemail declined refused
    test@test.com none@none.com noemail@noemail.com no@email.com na@na.com email@email.com
    test@example.com noreply@example.com abc@abc.com a@a.com
    0000000000 1111111111 1234567890 0123456789 9999999999 123456789 +15555555555 +10000000000
    00000000-0000-0000-0000-000000000000"""
) | {"not provided", "not available", "no email"}
JUNK_EMAIL_LOCALS = _words(
    "test none noemail no-email noreply no-reply donotreply nobody na n.a null unknown dummy fake asdf xxx"
)
JUNK_EMAIL_DOMAINS = _words(
    "example.com example.org example.net test.com none.com noemail.com email.com.invalid mailinator.com"
)

# canonical: nicknames (a nickname shared by two names maps to the first listed)
NICKNAME_DATA = """
robert: bob bobby rob robbie bert
william: bill billy will willy liam
elizabeth: liz lizzie beth betty eliza libby
richard: dick rick ricky rich richie
james: jim jimmy jamie
john: jack johnny
jonathan: jon jonny
margaret: maggie meg peggy marge
katherine: kate katie kathy kat
catherine: cathy cath
michael: mike mikey mick
thomas: tom tommy
joseph: joe joey
charles: charlie chuck chas
christopher: chris kit
daniel: dan danny
matthew: matt
anthony: tony
edward: ed eddie ted ned
andrew: andy drew
alexander: alex sasha
alexandra: lexi sandra
nicholas: nick nicky
benjamin: ben benny
samuel: sam sammy
patricia: pat patty trish
jennifer: jen jenny
susan: sue susie
deborah: deb debbie
rebecca: becky becca
victoria: vicky tori
christine: chrissy
stephen: steve
timothy: tim timmy
gregory: greg
joshua: josh
david: dave davy
peter: pete
francis: frank
frances: fran
henry: harry hank
barbara: barb babs
jessica: jess jessie
abigail: abby
samantha: sammie
johannes: hannes
alessandro: sandro
giuseppe: peppe beppe
francisco: paco
jose: pepe
"""


def parse_nicknames(data: str) -> dict[str, str]:
    table: dict[str, str] = {}
    for line in data.strip().splitlines():
        canonical, _, nicks = line.partition(":")
        for nick in nicks.split():
            table.setdefault(nick, canonical.strip())
    return table


NICKNAMES: Mapping[str, str] = parse_nicknames(NICKNAME_DATA)
# letters that NFKD does not decompose but that people type without the stroke or ligature
FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})
TITLES = _words("mr mrs ms miss mx dr prof sir herr frau mme mlle m")
SUFFIXES = _words("jr sr ii iii iv phd md esq")
PARTICLES = _words("van von de der den da das del della di du la le st ter ten zu bin ibn al")
JUNK_NAMES = _words("test unknown n/a na none null xxx customer anonymous guest asdf noname tbd")

MONTHS: Mapping[str, int] = {
    name: int(number)
    for name, _, number in (
        w.partition("=")
        for w in """jan=1 feb=2 mar=3 apr=4 may=5 jun=6 jul=7 aug=8 sep=9 oct=10 nov=11 dec=12
        sept=9 mär=3 mrz=3 mai=5 okt=10 dez=12 fév=2 avr=4 juil=7 août=8 déc=12
        ene=1 abr=4 ago=8 dic=12 gen=1 giu=6 lug=7 set=9 ott=10""".split()
    )
}
COUNTRY_ALIASES: Mapping[str, str] = _pairs(
    """uk=GB u.k.=GB england=GB scotland=GB wales=GB northern_ireland=GB great_britain=GB britain=GB
    united_kingdom=GB usa=US u.s.a.=US u.s.=US us=US america=US united_states_of_america=US
    deutschland=DE allemagne=DE frankreich=FR españa=ES espana=ES italia=IT holland=NL
    the_netherlands=NL nederland=NL eire=IE éire=IE russia=RU south_korea=KR north_korea=KP
    ivory_coast=CI czech_republic=CZ schweiz=CH suisse=CH österreich=AT belgique=BE belgië=BE"""
)
