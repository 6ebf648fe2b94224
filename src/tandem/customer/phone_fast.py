"""Whole-column phone validation for numbers written in international or national form.

``phonenumbers`` costs ~25 µs a number; a million-record ingest cannot call it per row. For the common
case, an international number whose national part needs no prefix stripping, validity is a matter of
the library's own metadata: possible lengths and the per-type number patterns of the region the
number belongs to. Those patterns run here as RE2 regexes over a whole Arrow column.

This decides POSITIVES only: a number is "decided" when it is valid, and its E.164 form is exactly what
``normalize.normalize_phone`` returns. Anything else (national notation, extensions, letters, numbers
the patterns refuse) is left undecided for the library, so results never differ from it
(``tests/customer/test_fast_normalize.py`` checks that with hypothesis).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import pyarrow as pa
import pyarrow.compute as pc
from phonenumbers import PhoneMetadata
from phonenumbers.phonenumberutil import COUNTRY_CODE_TO_REGION_CODE, REGION_CODE_FOR_NON_GEO_ENTITY, SUPPORTED_REGIONS

_TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager", "uan", "voicemail",
          "fixed_line", "mobile")
_CODES = {length: pa.array(sorted(str(c) for c in COUNTRY_CODE_TO_REGION_CODE if len(str(c)) == length))
          for length in (1, 2, 3)}


@dataclass(frozen=True)
class _Desc:
    lengths: pa.Array | None
    pattern: str


@dataclass(frozen=True)
class _Region:
    leading_digits: str | None
    general: _Desc
    types: tuple[_Desc, ...]


@dataclass(frozen=True)
class _Code:
    possible: pa.Array        # lengths is_possible_number accepts (general + local-only)
    regions: tuple[_Region, ...]


@dataclass(frozen=True)
class _Parsing:
    """How ``phonenumbers.parse`` treats a national number of one region (national prefix, IDD)."""

    code: str
    prefixes: tuple[str, ...] | None  # literal national prefixes, tried in order; None: none to strip
    complex_prefix: str | None        # a prefix pattern too rich to mirror: matching numbers go to the library
    general: str
    possible: pa.Array
    local: pa.Array
    longest: int
    idd: str | None


def _desc(desc: object) -> _Desc | None:
    pattern = getattr(desc, "national_number_pattern", None)
    if desc is None or not pattern:
        return None
    lengths = tuple(getattr(desc, "possible_length", ()) or ())
    return _Desc(pa.array(lengths, pa.int64()) if lengths else None, f"^(?:{pattern})$")


@cache
def _code(cc: str) -> _Code | None:
    regions = COUNTRY_CODE_TO_REGION_CODE.get(int(cc), ())
    if not regions or regions[0] == REGION_CODE_FOR_NON_GEO_ENTITY:
        return None
    main = PhoneMetadata.metadata_for_region(regions[0], None)
    if main is None:
        return None
    out = []
    for region in regions:
        meta = PhoneMetadata.metadata_for_region(region, None)
        if meta is None:
            continue
        general = _desc(meta.general_desc)
        if general is None:
            return None
        types = tuple(d for d in (_desc(getattr(meta, t, None)) for t in _TYPES) if d is not None)
        out.append(_Region(f"^(?:{meta.leading_digits})" if meta.leading_digits else None, general, types))
    gd = main.general_desc
    possible = pa.array(sorted(set(gd.possible_length or ()) | set(gd.possible_length_local_only or ())), pa.int64())
    return _Code(possible, tuple(out))


@cache
def _parsing(region: str) -> _Parsing | None:
    meta = PhoneMetadata.metadata_for_region(region, None)
    if meta is None or not meta.general_desc or not meta.general_desc.national_number_pattern:
        return None
    prefix = meta.national_prefix_for_parsing or meta.national_prefix
    simple = bool(prefix) and not meta.national_prefix_transform_rule and all(
        part.isdigit() for part in prefix.split("|"))
    gd = meta.general_desc
    lengths = sorted(gd.possible_length or ())
    return _Parsing(str(meta.country_code), tuple(prefix.split("|")) if simple else None,
                    f"^(?:{prefix})" if prefix and not simple else None, f"^(?:{gd.national_number_pattern})$",
                    pa.array(lengths, pa.int64()), pa.array(sorted(gd.possible_length_local_only or ()), pa.int64()),
                    lengths[-1] if lengths else 0, f"^(?:{meta.international_prefix})" if meta.international_prefix
                    else None)


def _inner_strip(spec: _Parsing, nsn: pa.Array) -> tuple[pa.Array, pa.Array, pa.Array]:
    """phonenumbers' _maybe_strip_national_prefix_carrier_code: (number, stripped?, decidable mask)."""
    everyone, nobody = pa.array([True] * len(nsn), pa.bool_()), pa.array([False] * len(nsn), pa.bool_())
    if spec.complex_prefix:
        return nsn, nobody, pc.invert(pc.match_substring_regex(nsn, spec.complex_prefix))
    if not spec.prefixes:
        return nsn, nobody, everyone
    stripped, matched = nsn, nobody
    for prefix in spec.prefixes:  # Python's re takes the first alternative that matches
        hit = pc.and_(pc.starts_with(nsn, prefix), pc.invert(matched))
        stripped = pc.if_else(hit, pc.utf8_slice_codeunits(nsn, len(prefix)), stripped)
        matched = pc.or_(matched, hit)
    # not stripped when that would turn a viable number into a non-viable one
    spoils = pc.and_(pc.match_substring_regex(nsn, spec.general),
                     pc.invert(pc.match_substring_regex(stripped, spec.general)))
    take = pc.and_(matched, pc.invert(spoils))
    return pc.if_else(take, stripped, nsn), take, everyone


def _length(spec: _Parsing, nsn: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(_test_number_length is one of IS_POSSIBLE / TOO_LONG, ... is TOO_LONG) for the region."""
    size = pc.utf8_length(nsn).cast(pa.int64())
    local = pc.is_in(size, value_set=spec.local)
    too_long = pc.and_(pc.invert(local), pc.and_(pc.invert(pc.is_in(size, value_set=spec.possible)),
                                                 pc.greater(size, spec.longest)))
    return pc.and_(pc.invert(local), pc.or_(pc.is_in(size, value_set=spec.possible), too_long)), too_long


def _strip_national_prefix(spec: _Parsing, nsn: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(national significant number, decidable mask) as parse() leaves it after its prefix stripping:
    the stripped form is kept only when its length is possible (or too long) for the region."""
    stripped, took, ok = _inner_strip(spec, nsn)
    length_ok, _ = _length(spec, stripped)
    return pc.if_else(pc.and_(took, length_ok), stripped, nsn), ok


def _matches(nsn: pa.Array, lengths: pa.Array, desc: _Desc) -> pa.Array:
    hit = pc.match_substring_regex(nsn, desc.pattern)
    if desc.lengths is not None:
        hit = pc.and_(hit, pc.is_in(lengths, value_set=desc.lengths))
    return hit


def _valid_for_code(cc: str, nsn: pa.Array) -> pa.Array:
    """Mirror of phonenumbers' strict validity (region choice, then type patterns) for one calling code."""
    spec = _code(cc)
    false = pa.array([False] * len(nsn), pa.bool_())
    if spec is None:
        return false
    try:
        lengths = pc.utf8_length(nsn).cast(pa.int64())
        ok = pc.and_(pc.is_in(lengths, value_set=spec.possible),
                     pc.and_(pc.greater_equal(lengths, 2), pc.less_equal(lengths, 17)))
        chosen = false
        valid = false
        for region in spec.regions:
            typed = _matches(nsn, lengths, region.general)
            any_type = false
            for desc in region.types:
                any_type = pc.or_(any_type, _matches(nsn, lengths, desc))
            typed = pc.and_(typed, any_type)
            # the library picks the first region whose leading digits match, or else whose patterns match
            picks = pc.match_substring_regex(nsn, region.leading_digits) if region.leading_digits else typed
            new = pc.and_(picks, pc.invert(chosen))
            valid = pc.or_(valid, pc.and_(new, typed))
            chosen = pc.or_(chosen, picks)
        return pc.and_(ok, valid)
    except pa.ArrowInvalid:  # a metadata pattern RE2 cannot compile: leave the whole code to the library
        return false


def _decide(decided: pa.Array, values: pa.Array, rows: pa.Array, code: str, nsn: pa.Array,
            decidable: pa.Array) -> tuple[pa.Array, pa.Array]:
    valid = pc.and_(decidable, _valid_for_code(code, nsn))
    e164 = pc.binary_join_element_wise(f"+{code}", nsn, "")
    return (pc.replace_with_mask(decided, rows, valid),
            pc.replace_with_mask(values, rows, pc.if_else(valid, e164, _NULL)))


_NULL = pa.scalar(None, pa.string())


def decide(text: pa.Array, regions: pa.Array) -> tuple[pa.Array, pa.Array]:
    """(decided mask, E.164 values) for stripped ASCII phone texts and each row's region."""
    n = len(text)
    digits = pc.replace_substring_regex(text, r"[ \-().]", "")
    short = pc.fill_null(pc.less_equal(pc.utf8_length(text), 64), False)
    plus = pc.and_(pc.match_substring_regex(text, r"^(?:\+|00[1-9])[0-9 \-().]*$"),
                   pc.match_substring_regex(digits, r"^(?:\+|00)[1-9][0-9]{3,20}$"))
    plus = pc.and_(pc.fill_null(plus, False), short)
    national = pc.and_(pc.fill_null(pc.match_substring_regex(text, r"^\(?[0-9][0-9 \-().]*$"), False), short)
    national = pc.and_(national, pc.fill_null(pc.match_substring_regex(digits, r"^[0-9]{2,17}$"), False))
    body = pc.replace_substring_regex(digits, r"^(?:\+|00)", "")
    cc = pa.nulls(n, pa.string())
    for length in (1, 2, 3):
        prefix = pc.utf8_slice_codeunits(body, 0, length)
        cc = pc.if_else(pc.and_(pc.is_null(cc), pc.is_in(prefix, value_set=_CODES[length])), prefix, cc)
    cc = pc.if_else(plus, cc, _NULL)
    decided, values = pa.array([False] * n, pa.bool_()), pa.nulls(n, pa.string())
    for code in pc.unique(cc).drop_null().to_pylist():
        regions_ = COUNTRY_CODE_TO_REGION_CODE.get(int(code), ())
        spec = _parsing(regions_[0]) if regions_ and regions_[0] != REGION_CODE_FOR_NON_GEO_ENTITY else None
        if spec is None:
            continue
        rows = pc.fill_null(pc.equal(cc, code), False)
        nsn, ok = _strip_national_prefix(spec, pc.utf8_slice_codeunits(pc.filter(body, rows), len(code)))
        decided, values = _decide(decided, values, rows, code, nsn, ok)
    region_of = pc.if_else(national, regions, _NULL)
    for region in pc.unique(region_of).drop_null().to_pylist():
        spec = _parsing(region.upper()) if region.upper() in SUPPORTED_REGIONS else None
        if spec is None:
            continue
        rows = pc.fill_null(pc.equal(region_of, region), False)
        nsn = pc.filter(digits, rows)
        odd = pc.match_substring_regex(nsn, spec.idd) if spec.idd else pa.array([False] * len(nsn), pa.bool_())
        plain, ok = _strip_national_prefix(spec, nsn)
        # a national number that starts with the region's own calling code may be read as international
        with_code = pc.starts_with(nsn, spec.code)
        rest, _, ok_rest = _inner_strip(spec, pc.utf8_slice_codeunits(nsn, len(spec.code)))
        _, too_long = _length(spec, nsn)
        better = pc.or_(pc.and_(pc.invert(pc.match_substring_regex(nsn, spec.general)),
                                pc.match_substring_regex(rest, spec.general)), too_long)
        main = _parsing(COUNTRY_CODE_TO_REGION_CODE[int(spec.code)][0])
        if main is None:
            continue
        rest, ok_main = _strip_national_prefix(main, rest)
        use_rest = pc.and_(with_code, better)
        nsn = pc.if_else(use_rest, rest, plain)
        ok = pc.if_else(use_rest, pc.and_(ok_rest, ok_main), ok)
        decided, values = _decide(decided, values, rows, spec.code, nsn, pc.and_(ok, pc.invert(odd)))
    return decided, values
