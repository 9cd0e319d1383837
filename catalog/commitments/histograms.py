"""Exact medians and 90th percentiles from bounded reads of the minute histograms.

`adherence_histogram` holds, per department and per offering, measure and priority, the
measured minutes of the requests created in dyadic spans of days (1, 2, 4 … 64 days, aligned),
twice: counted per bucket of minutes (16 buckets per power of two, exact below 32) and per
exact minute. A window of whole days is a few dozen spans (`cover`). A record reads the
bucket counts of its windows' spans, finds the bucket that holds each percentile's rank, and
reads the exact minutes of those buckets only. Both reads are bounded by the window's spans,
the buckets and the catalog, not by the number of requests or the length of the history.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ..models import AdherenceHistogram
from .record import MIN_MEASURED

H = AdherenceHistogram
LEVELS = 7  # spans of 1, 2, 4 … 64 days
SHIFT = 20  # node = level << SHIFT | day ordinal >> level
SUB_BITS = 4  # 16 buckets per power of two
SUB = 1 << SUB_BITS
PERCENTS = (50, 90)
BRANCHES = 200  # SELECTs per UNION ALL statement (SQLite allows 500)
Group = tuple[int, str | None, int, str]  # key, priority (None: all), window days, measure
Histogram = list[tuple[int, int]]  # (minutes, how many), ascending
Counts = defaultdict[Group, Counter[int]]


def bucket(minutes: int) -> int:
    """The bucket of a number of minutes: exact below 2 * SUB, then SUB per power of two."""
    if minutes < 2 * SUB:
        return minutes
    shift = minutes.bit_length() - SUB_BITS - 1
    return shift * SUB + (minutes >> shift)


def bounds(number: int) -> tuple[int, int]:
    """The smallest and the largest number of minutes in a bucket."""
    if number < 2 * SUB:
        return number, number
    shift, mantissa = number // SUB - 1, number % SUB + SUB
    return mantissa << shift, ((mantissa + 1) << shift) - 1


def day_nodes(day: date) -> list[int]:
    """The spans a day belongs to, one per level."""
    ordinal = day.toordinal()
    return [(level << SHIFT) | (ordinal >> level) for level in range(LEVELS)]


def cover(first: date, last: date) -> list[int]:
    """The fewest aligned spans that make up the days first..last (none if first > last)."""
    start, end, found = first.toordinal(), last.toordinal(), []
    while start <= end:
        level = 0
        while (level + 1 < LEVELS and start % (2 << level) == 0
               and start + (2 << level) - 1 <= end):
            level += 1
        found.append((level << SHIFT) | (start >> level))
        start += 1 << level
    return found


def fetch(session: Session, statement: Any) -> list[Any]:
    """Run a histogram read (the rows it returns are the rows it reads)."""
    return session.execute(statement).all()


def percentile_histograms(session: Session, scope: str, wanted: list[int] | None,
                          spans: Mapping[int, tuple[date, date]],
                          moved: Mapping[Group, Counter[int]]) -> dict[Group, Histogram]:
    """Per group, a sorted histogram that is exact where its median and p90 lie.

    `spans` are the whole days of each window (by its days), `moved` the exact minutes to add
    to (or take from) them per group of one priority. Buckets that hold no percentile stay one
    entry (their first minute, their count): the nearest ranks give the exact values.
    """
    windows_of: defaultdict[int, list[int]] = defaultdict(list)
    for days, (first, last) in spans.items():
        for node in cover(first, last):
            windows_of[node].append(days)
    buckets: defaultdict[Group, Counter[int]] = defaultdict(Counter)
    if windows_of:
        statement = select(H.key, H.measure, H.priority, H.node, H.value, H.count).where(
            H.scope == scope, H.exact.is_(False), H.node.in_(sorted(windows_of)))
        if wanted is not None:
            statement = statement.where(H.key.in_(wanted))
        for key, measure, priority, node, value, n in fetch(session, statement):
            for days in windows_of[node]:
                buckets[(key, priority, days, measure)][value] += n
    for group, minutes in moved.items():
        for value, n in minutes.items():
            buckets[group][bucket(value)] += n
    pooled: defaultdict[Group, Counter[int]] = defaultdict(Counter)
    priorities: defaultdict[tuple[int, str], set[str]] = defaultdict(set)
    for (key, priority, days, measure), counter in buckets.items():
        pooled[(key, priority, days, measure)].update(counter)
        pooled[(key, None, days, measure)].update(counter)
        priorities[(key, measure)].add(priority)  # type: ignore[arg-type]
    targets = {group: _target_buckets(counter) for group, counter in pooled.items()}
    exact = _exact_minutes(session, scope, windows_of, targets, priorities)
    for (key, priority, days, measure), minutes in moved.items():
        exact[(key, priority, days, measure)].update(minutes)
        exact[(key, None, days, measure)].update(minutes)
    found = {}
    for group, counter in pooled.items():
        histogram: list[tuple[int, int]] = []
        for number in sorted(counter):
            if number in targets[group]:
                low, high = bounds(number)
                histogram += sorted((m, n) for m, n in exact[group].items()
                                    if low <= m <= high and n > 0)
            elif counter[number] > 0:
                histogram.append((bounds(number)[0], counter[number]))
        if histogram:
            found[group] = histogram
    return found


def _target_buckets(counter: Counter[int]) -> set[int]:
    """The buckets that hold the nearest ranks of the percentiles."""
    total = sum(n for n in counter.values() if n > 0)
    if total < MIN_MEASURED:
        return set()
    ranks, seen, found = [(total * p + 99) // 100 for p in PERCENTS], 0, set()
    for number in sorted(counter):
        if counter[number] <= 0:
            continue
        seen += counter[number]
        found |= {number for rank in ranks if seen - counter[number] < rank <= seen}
    return found


def _exact_minutes(session: Session, scope: str, windows_of: Mapping[int, list[int]],
                   targets: Mapping[Group, set[int]],
                   priorities: Mapping[tuple[int, str], set[str]]) -> Counts:
    """Exact minute counts of the target buckets, per group (and pooled over priorities)."""
    wanted: set[tuple[int, str, str, int]] = set()
    for (key, priority, _days, measure), numbers in targets.items():
        for number in numbers:
            for each in ((priority,) if priority else priorities[(key, measure)]):
                wanted.add((key, measure, each, number))
    exact: Counts = defaultdict(Counter)
    if not wanted or not windows_of:
        return exact
    # Plain SQL text: a few hundred small range reads, built and compiled in a millisecond.
    nodes = ", ".join(str(int(node)) for node in sorted(windows_of))
    branch = ('SELECT "key", measure, priority, node, value, "count" FROM adherence_histogram '
              f"WHERE scope = :scope AND exact = :exact AND node IN ({nodes}) "
              'AND "key" = :k{0} AND measure = :m{0} AND priority = :p{0} '
              "AND value BETWEEN :lo{0} AND :hi{0}")
    targets_read = sorted(wanted)
    for start in range(0, len(targets_read), BRANCHES):
        chunk = targets_read[start:start + BRANCHES]
        parameters: dict[str, Any] = {"scope": scope, "exact": True}
        for index, (key, measure, priority, number) in enumerate(chunk):
            low, high = bounds(number)
            parameters |= {f"k{index}": key, f"m{index}": measure, f"p{index}": priority,
                           f"lo{index}": low, f"hi{index}": high}
        statement = text(" UNION ALL ".join(branch.format(i) for i in range(len(chunk))))
        for key, measure, priority, node, value, n in fetch(
                session, statement.bindparams(**parameters)):
            for days in windows_of[node]:
                exact[(key, priority, days, measure)][value] += n
                exact[(key, None, days, measure)][value] += n
    return exact


def histogram_rows(scope_keys: Iterable[tuple[str, int]], priority: str, day: date,
                   measure: str, minutes: int) -> list[tuple[Any, ...]]:
    """The rows (without count) one measured request adds 1 to."""
    return [(scope, exact, node, key, measure, priority, minutes if exact else bucket(minutes))
            for scope, key in scope_keys for node in day_nodes(day) for exact in (False, True)]
