#!/usr/bin/python3
"""Writes clip_unicode_tables.cpp: the Unicode data the CLIP tokenizer needs.

The reference (transformers' slow CLIPTokenizer without ftfy) runs on Python 3.11, whose unicodedata
is Unicode 14.0.0. The tables are taken from that same Python, so that the C++ tokenizer removes,
lowercases and normalises exactly the characters the reference does (a character assigned only in a
later Unicode version is "unassigned", category Cn, and therefore removed by the reference).

Usage: /usr/bin/python3 core/tokenizers/gen_clip_unicode_tables.py > core/tokenizers/clip_unicode_tables.cpp
"""
import sys
import unicodedata

EXPECTED_UNICODE = "14.0.0"
MAX_CP = 0x110000
# Classes, as in clip_unicode.h (CharClass).
OTHER, LETTER, NUMBER, CONTROL, SPACE_SEPARATOR = range(5)


def chars():
    for cp in range(MAX_CP):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        yield cp


def char_class(cp):
    if 0xD800 <= cp <= 0xDFFF:
        return CONTROL  # Cs
    cat = unicodedata.category(chr(cp))
    if cat[0] == "L":
        return LETTER
    if cat[0] == "N":
        return NUMBER
    if cat[0] == "C":
        return CONTROL
    if cat == "Zs":
        return SPACE_SEPARATOR
    return OTHER


def category_ranges():
    out = []
    prev = None
    for cp in range(MAX_CP):
        cls = char_class(cp)
        if cls != prev:
            out.append((cp, cls))
            prev = cls
    return out


def to_ranges(cps):
    out = []
    for cp in cps:
        if out and out[-1][1] == cp - 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def sigma_properties():
    """Python's str.lower() maps U+03A3 to final sigma by the Final_Sigma rule, which needs the Cased
    and Case_Ignorable properties. unicodedata does not expose them, so they are measured through
    str.lower() itself (see Objects/unicodeobject.c, handle_capital_sigma):
      t1 = "XΣ" ends in ς    <=>  !CI(X) and Cased(X)
      t2 = "aXΣ" ends in ς   <=>  CI(X) or Cased(X)
      t3 = "aΣX" has ς       <=>  CI(X) or !Cased(X)
    so CI(X) = t2 and t3; for the others Cased(X) = t1 (Cased is only consulted on non-CI chars)."""
    cased, ignorable = [], []
    for cp in chars():
        x = chr(cp)
        t1 = (x + "\u03a3").lower()[-1] == "\u03c2"
        t2 = ("a" + x + "\u03a3").lower()[-1] == "\u03c2"
        t3 = ("a\u03a3" + x).lower()[1] == "\u03c2"
        ci = t2 and t3
        if ci:
            ignorable.append(cp)
        else:
            assert t2 != t3, hex(cp)
            if t1:
                cased.append(cp)
    return to_ranges(cased), to_ranges(ignorable)


def lower_mappings():
    out = []
    for cp in chars():
        if cp == 0x3A3:
            continue  # context dependent, handled in code
        low = chr(cp).lower()
        if low == chr(cp):
            continue
        if len(low) != 1:
            assert cp == 0x130 and low == "i\u0307", hex(cp)  # handled in code
            continue
        out.append((cp, ord(low)))
    return out


def combining_class_ranges():
    out = []
    for cp in chars():
        ccc = unicodedata.combining(chr(cp))
        if ccc == 0:
            continue
        if out and out[-1][1] == cp - 1 and out[-1][2] == ccc:
            out[-1][1] = cp
        else:
            out.append([cp, cp, ccc])
    return out


def is_hangul_syllable(cp):
    return 0xAC00 <= cp <= 0xD7A3


def decompositions():
    """Full canonical decompositions (NFD of one character), Hangul syllables excluded (algorithmic)."""
    out = []
    for cp in chars():
        if is_hangul_syllable(cp):
            continue
        nfd = unicodedata.normalize("NFD", chr(cp))
        if nfd != chr(cp):
            out.append((cp, [ord(c) for c in nfd]))
    return out


def compositions():
    """Primary composites: a canonical two-character decomposition that NFC recomposes."""
    out = []
    for cp in chars():
        d = unicodedata.decomposition(chr(cp))
        if not d or d.startswith("<"):
            continue
        parts = [int(p, 16) for p in d.split()]
        if len(parts) != 2:
            continue
        if unicodedata.normalize("NFC", chr(cp)) != chr(cp):
            continue  # composition exclusion or non-starter decomposition
        out.append((parts[0], parts[1], cp))
    out.sort()
    return out


def check_assumptions():
    # The regex stage and the whitespace split rely on these facts about Unicode 14.
    spaces = [cp for cp in chars() if chr(cp).isspace()]
    expected = ([0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x85, 0xA0, 0x1680]
                + list(range(0x2000, 0x200B)) + [0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
    assert spaces == expected, "clip_unicode.cpp's is_python_space() list is out of date"
    try:
        import regex
    except ImportError:
        return
    # transformers compiles CLIP's pattern with re.IGNORECASE. Under it, U+0345 (which case-folds
    # to a letter) matches none of [\p{L}], [\p{N}] and [^\s\p{L}\p{N}]; every other character
    # matches the class its general category gives. clip_pretokenizer.cpp depends on that.
    letter = regex.compile(r"[\p{L}]", regex.I)
    number = regex.compile(r"[\p{N}]", regex.I)
    other = regex.compile(r"[^\s\p{L}\p{N}]", regex.I)
    for cp in chars():
        cls = char_class(cp)
        if cls == CONTROL:
            continue  # removed before the regex runs
        c = chr(cp)
        got = (bool(letter.fullmatch(c)), bool(number.fullmatch(c)), bool(other.fullmatch(c)))
        if cp == 0x345:
            assert got == (False, False, False)
            continue
        want = (cls == LETTER, cls == NUMBER, cls not in (LETTER, NUMBER) and not c.isspace())
        assert got == want, hex(cp)
    # The pattern's literal letters match, besides their ASCII upper case, only U+017F for 's'
    # (clip_pretokenizer.cpp, literal_matches).
    everything = "".join(chr(cp) for cp in chars())
    for lit in sorted(set("startoftextendofsrevmld")):
        matches = {ord(c) for c in regex.compile(lit, regex.I).findall(everything)}
        assert matches == {ord(lit), ord(lit.upper())} | ({0x17F} if lit == "s" else set()), lit


def emit(name, ctype, rows, per_line, fmt, out):
    out.write(f"const {ctype} {name}[] = {{\n")
    for i in range(0, len(rows), per_line):
        out.write("    " + " ".join(fmt(r) + "," for r in rows[i:i + per_line]) + "\n")
    out.write("};\n")
    out.write(f"const std::size_t {name}Count = sizeof({name}) / sizeof({name}[0]);\n\n")


def main():
    if unicodedata.unidata_version != EXPECTED_UNICODE:
        sys.exit(f"this Python has Unicode {unicodedata.unidata_version}; the reference used {EXPECTED_UNICODE}")
    check_assumptions()
    cased, ignorable = sigma_properties()
    decomps = decompositions()
    flat, decomp_rows = [], []
    for cp, seq in decomps:
        decomp_rows.append((cp, len(flat), len(seq)))
        flat.extend(seq)
    assert len(flat) < 65536 and max(len(s) for _, s in decomps) < 256

    out = sys.stdout
    out.write("// GENERATED by gen_clip_unicode_tables.py from Python's unicodedata "
              f"{unicodedata.unidata_version}. Do not edit.\n")
    out.write('#include "core/tokenizers/clip_unicode_tables.h"\n\n')
    out.write("namespace ds::clip_unicode::tables {\n\n")
    emit("kCategoryRanges", "CategoryRange", category_ranges(), 8,
         lambda r: f"{{0x{r[0]:X}, {r[1]}}}", out)
    emit("kCasedRanges", "CodeRange", cased, 6, lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}}}", out)
    emit("kCaseIgnorableRanges", "CodeRange", ignorable, 6, lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}}}", out)
    emit("kLowerMappings", "LowerMapping", lower_mappings(), 6, lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}}}", out)
    emit("kCombiningClassRanges", "CombiningClassRange", combining_class_ranges(), 5,
         lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}, {r[2]}}}", out)
    emit("kDecompositions", "Decomposition", decomp_rows, 6, lambda r: f"{{0x{r[0]:X}, {r[1]}, {r[2]}}}", out)
    emit("kDecompositionChars", "char32_t", flat, 10, lambda r: f"0x{r:X}", out)
    emit("kCompositions", "Composition", compositions(), 4,
         lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}, 0x{r[2]:X}}}", out)
    out.write("}  // namespace ds::clip_unicode::tables\n")


if __name__ == "__main__":
    main()
