"""Typos: how many edits a word may have, and which words of the index are that close.

A word may be off by more the longer it is: one edit up to 5 letters, two up to 12, three
beyond (`edit_allowance`); two swapped letters are one edit (Damerau: "Gleitzeitkontoasuzug"
is one edit from "gleitzeitkontoauszug"). Words of 3 letters or fewer are taken as typed.

`nearby_terms` walks one field's word list of the index (sorted, as Whoosh's term index keeps
it, read into memory once per index segment) the way a trie is searched with an edit-distance
table: the table grows one row per letter of the shared beginning of consecutive words, and as
soon as every cell of a row exceeds the allowance, all words beginning that way are skipped
with one binary search. So a look-up touches only the beginnings that can still lead to a
close word, never all terms; it checks the search's deadline at every step and keeps at most
`limit` words.

`correct_compound` corrects a German compound part by part: "Urlaubsantarg" splits into
"urlaub" (known) and "antarg", which is corrected on its own to "antrag"; the parts are then
matched like the parts of any compound (see query.py).
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable

from whoosh.reading import IndexReader

from .compounds import LINKS, MIN_PART
from .deadline import Deadline

# Words of the index kept per look-up (the closest, then the most frequent, are used).
SCAN_LIMIT = 64
# The first letter must match: typos rarely hit it, and it keeps the walk short.
SAME_START = 1
# Word lists of this many (segment, field) pairs are kept in memory.
SEGMENTS_KEPT = 32
_terms: OrderedDict[tuple[str, int, str], list[str]] = OrderedDict()
_terms_lock = threading.Lock()


def edit_allowance(length: int) -> int:
    """Edits a word of this many letters may be off by: 0 up to 3 letters, 1 up to 5, 2 up
    to 12, 3 beyond."""
    if length <= 3:
        return 0
    if length <= 5:
        return 1
    if length <= 12:
        return 2
    return 3


def damerau(a: str, b: str) -> int:
    """Edits between two words: letters inserted, dropped, replaced or two neighbours swapped
    (the optimal string alignment distance)."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        row = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cost = 0 if x == y else 1
            best = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and x == b[j - 2] and a[i - 2] == y:
                best = min(best, previous2[j - 2] + 1)
            row[j] = best
        previous2, previous = previous, row
    return previous[-1]


def nearby_terms(reader: IndexReader, fieldname: str, word: str, maxdist: int,
                 deadline: Deadline | None = None, limit: int = SCAN_LIMIT) -> dict[str, int]:
    """{term: edits} of the field's terms within `maxdist` Damerau edits of the word, sharing
    its first SAME_START letters, the word itself left out."""
    deadline = deadline or Deadline.none()
    found: dict[str, int] = {}
    if maxdist < 0 or len(word) <= SAME_START or deadline.check():
        return found
    head = word[:SAME_START]
    width = len(word) + 1
    for segment, _ in reader.leaf_readers():
        terms = segment_terms(segment, fieldname)
        at = bisect_left(terms, head)
        # rows[d]: the edit table's row after the term's first d letters.
        rows: list[list[int]] = [[min(j, maxdist + 1) for j in range(width)]]
        previous = ""
        while at < len(terms) and terms[at].startswith(head):
            if deadline.check():
                return found
            term = terms[at]
            shared = _shared(previous, term, len(rows) - 1)
            del rows[shared + 1:]
            dead = 0
            for depth in range(shared, len(term)):
                row = _next_row(rows, word, term, depth, maxdist)
                rows.append(row)
                if min(row) > maxdist:
                    dead = depth + 1
                    break
            previous = term
            if dead:
                # No word that begins like term[:dead] can come close: skip them all.
                stem = term[:dead]
                at = bisect_left(terms, stem[:-1] + chr(ord(stem[-1]) + 1), at + 1)
                continue
            distance = rows[-1][-1]
            if distance <= maxdist and term != word:
                found[term] = distance
                if len(found) >= limit:
                    return found
            at += 1
    return found


def segment_terms(segment: IndexReader, fieldname: str) -> list[str]:
    """The sorted words of one field of one index segment, read once per process (segments
    never change once written; a few dozen are kept)."""
    key = (segment.segment().segment_id(), segment.doc_count_all(), fieldname)
    with _terms_lock:
        found = _terms.get(key)
        if found is not None:
            _terms.move_to_end(key)
            return found
    field = segment.schema[fieldname]
    found = [field.from_bytes(t) for t in segment.lexicon(fieldname)]
    with _terms_lock:
        _terms[key] = found
        while len(_terms) > SEGMENTS_KEPT:
            _terms.popitem(last=False)
    return found


def _shared(a: str, b: str, most: int) -> int:
    """Length of the common beginning of two words, at most `most`."""
    n = min(len(a), len(b), most)
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


def _next_row(rows: list[list[int]], word: str, term: str, depth: int,
              maxdist: int) -> list[int]:
    """The edit table's row after term[:depth + 1], from the rows before it; only the band
    of cells within `maxdist` of the diagonal is computed (the rest cannot come close)."""
    letter = term[depth]
    previous = rows[depth]
    before = rows[depth - 1] if depth >= 1 else None
    size = len(word) + 1
    far = maxdist + 1
    row = [far] * size
    if depth + 1 <= maxdist:
        row[0] = depth + 1
    first = max(1, depth + 1 - maxdist)
    last = min(size - 1, depth + 1 + maxdist)
    left = row[first - 1]
    for j in range(first, last + 1):
        y = word[j - 1]
        best = previous[j] + 1
        if left + 1 < best:
            best = left + 1
        diagonal = previous[j - 1] + (letter != y)
        if diagonal < best:
            best = diagonal
        if before is not None and j > 1 and letter == word[j - 2] and term[depth - 1] == y:
            swapped = before[j - 2] + 1
            if swapped < best:
                best = swapped
        if best > far:
            best = far
        row[j] = best
        left = best
    return row


def best_terms(found: dict[str, int], frequency: Callable[[str], int],
               limit: int) -> list[tuple[str, int]]:
    """The closest terms first, the most frequent first among equally close, at most
    `limit`."""
    ranked = sorted(found.items(), key=lambda item: (item[1], -frequency(item[0]), item[0]))
    return ranked[:limit]


def correct_compound(word: str, known: Callable[[str], bool],
                     corrections: Callable[[str], list[str]],
                     max_parts: int = 3) -> tuple[str, ...]:
    """Parts of a folded compound with a typo in one of them, each part a known word:
    a known beginning (its linking letters dropped) and a corrected rest, or a corrected
    beginning before a known rest; empty if no such split is found.

    `corrections(part)` gives the words of the index a part may have meant (closest first);
    it is asked about few parts: only those next to a known part."""
    if len(word) < 2 * MIN_PART or not word.isalpha():
        return ()
    # A known beginning, the longest first: "urlaubs|antarg" -> urlaub + antrag.
    for end in range(len(word) - MIN_PART, MIN_PART - 1, -1):
        base = _known_base(word[:end], known)
        if base is None:
            continue
        tail = word[end:]
        if known(tail):
            continue  # no typo here: the ordinary compound split handles it
        fixed = corrections(tail)
        if fixed:
            return (base, fixed[0])
        if max_parts > 2 and len(tail) >= 2 * MIN_PART:
            rest = correct_compound(tail, known, corrections, max_parts - 1)
            if rest:
                return (base, *rest)
    # A known end, the longest first: "urlab|antrag" -> urlaub + antrag.
    for start in range(MIN_PART, len(word) - MIN_PART + 1):
        tail = word[start:]
        if not known(tail):
            continue
        head = word[:start]
        for link in LINKS:
            if link and not head.endswith(link):
                continue
            base = head[:-len(link)] if link else head
            if len(base) < MIN_PART or known(base):
                continue
            fixed = corrections(base)
            if fixed:
                return (fixed[0], tail)
    return ()


def _known_base(head: str, known: Callable[[str], bool]) -> str | None:
    for link in LINKS:
        if link and not head.endswith(link):
            continue
        base = head[:-len(link)] if link else head
        if len(base) >= MIN_PART and known(base):
            return base
    return None
