"""Reading a people directory file (CSV): its text, header and rows, with every problem found.

Only what the file itself shows is checked here; `directory.py` checks the rows against the
database (departments, accounts, managers) and applies them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import IO

from ..catalog_file.validate import EMAIL
from ..models import AUDIENCES
from .accounts import normalize_email

COLUMNS = ("email", "name", "audience", "department", "manager_email")
DELIMITERS = (",", ";")
MAX_NAME = 200
MAX_EMAIL = 254
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LINE_BREAK = re.compile(r"\r\n|\r|\n")

Source = str | bytes | IO[str] | IO[bytes]


@dataclass
class Problems:
    """Problems found so far, each with the file's line number (the header is line 1)."""

    items: list[tuple[int, str]] = field(default_factory=list)

    def add(self, line: int, message: str) -> None:
        self.items.append((line, message))

    def lines(self) -> list[str]:
        """`line N: …` for every problem, in the order of the file."""
        ordered = sorted(enumerate(self.items), key=lambda item: (item[1][0], item[0]))
        return [f"line {line}: {message}" for _, (line, message) in ordered]

    def __bool__(self) -> bool:
        return bool(self.items)


@dataclass(frozen=True)
class DirectoryRow:
    """One person as the file describes them; None where a cell was left empty."""

    line: int
    email: str
    name: str
    audience: str | None
    department: str | None
    manager_email: str | None
    valid: bool = True  # False: the row has problems of its own (its department is still checked)


def is_email(address: str) -> bool:
    """True if the (normalised) address looks like an e-mail address the portal can store."""
    return (len(address) <= MAX_EMAIL and EMAIL.match(address) is not None
            and CONTROL.search(address) is None)


def read_directory(source: Source, problems: Problems) -> list[DirectoryRow]:
    """The file's rows that have a cell for each column; every problem the file itself shows
    is added to `problems`, and a row with problems of its own is marked not `valid`."""
    text = _decode(source, problems)
    if text is None:
        return []
    if not text.strip():
        problems.add(1, f"the file is empty; the first line must be the header "
                        f"{','.join(COLUMNS)}")
        return []
    first_line = LINE_BREAK.split(text, maxsplit=1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first_line))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
    except csv.Error as error:
        problems.add(1, f"not valid CSV ({error})")
        return []
    if not _check_header(header, problems):
        return []
    return list(_rows(reader, header, problems))


def _decode(source: Source, problems: Problems) -> str | None:
    data = source if isinstance(source, str | bytes) else source.read()
    if isinstance(data, str):
        return data.removeprefix("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.add(line, f"the file is not UTF-8 text (byte 0x{data[error.start]:02x}); "
                           "save it as \"CSV UTF-8\"")
        return None


def _delimiter(first_line: str) -> str:
    """`;` if it splits the header into more known column names than `,` does (Excel writes
    `;` where the decimal separator is a comma); else `,`."""
    def known(delimiter: str) -> int:
        try:
            cells = next(csv.reader([first_line], delimiter=delimiter), [])
        except csv.Error:
            return 0  # reading the header properly reports it
        return sum(cell.strip().lower() in COLUMNS for cell in cells)
    return max(DELIMITERS, key=known)  # ties go to the comma, the first


def _check_header(header: list[str], problems: Problems) -> bool:
    """Report unknown, unnamed, repeated and missing columns; False if rows cannot be read."""
    for number, name in enumerate(header, start=1):
        if not name:
            problems.add(1, f"column {number} has no name")
        elif name not in COLUMNS:
            problems.add(1, f"unknown column {name!r}; the columns are {', '.join(COLUMNS)}")
        elif header.index(name) != number - 1:
            problems.add(1, f"column {name!r} appears twice")
    missing = [name for name in COLUMNS if name not in header]
    for name in missing:
        problems.add(1, f"missing column {name!r}; the columns are {', '.join(COLUMNS)}")
    return not missing


def _rows(reader: Iterator[list[str]], header: list[str],
          problems: Problems) -> Iterator[DirectoryRow]:
    seen: dict[str, int] = {}
    end_of_last = 1
    while True:
        line = end_of_last + 1  # where this record starts (a quoted cell may span lines)
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.add(line, f"not valid CSV ({error}); the rest of the file was not read")
            return
        end_of_last = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue  # blank lines, and the empty rows spreadsheets leave at the end
        if len(cells) != len(header):
            cells_word = "cell" if len(cells) == 1 else "cells"
            problems.add(line, f"{len(cells)} {cells_word}, expected {len(header)} "
                               "(one for each column of the header)")
            continue
        row = _row(line, dict(zip(header, cells, strict=True)), problems)
        if row.email in seen:
            problems.add(line, f"{row.email} appears twice (first on line {seen[row.email]})")
            row = replace(row, valid=False)
        elif is_email(row.email):
            seen[row.email] = line
        yield row


def _row(line: int, cells: dict[str, str], problems: Problems) -> DirectoryRow:
    """The row, and the problems its cells show on their own."""
    before = len(problems.items)
    email = normalize_email(cells["email"])
    if not email:
        problems.add(line, "the e-mail is empty")
    elif not is_email(email):
        problems.add(line, f"{cells['email']!r} is not a valid e-mail address")
    name = cells["name"]
    if not name:
        problems.add(line, "the name is empty")
    elif len(name) > MAX_NAME:
        problems.add(line, f"the name is longer than {MAX_NAME} characters")
    elif CONTROL.search(name):
        problems.add(line, "the name contains a line break or a control character")
    audience = cells["audience"].lower() or None
    if audience is not None and audience not in AUDIENCES:
        problems.add(line, f"unknown audience {cells['audience']!r}; "
                           f"one of {', '.join(AUDIENCES)}, or empty")
    manager = normalize_email(cells["manager_email"]) or None
    if manager is not None and not is_email(manager):
        problems.add(line, f"manager_email {cells['manager_email']!r} is not a valid "
                           "e-mail address")
    elif manager is not None and manager == email:
        problems.add(line, f"{email} cannot be their own manager")
    return DirectoryRow(line=line, email=email, name=name, audience=audience,
                        department=cells["department"].lower() or None, manager_email=manager,
                        valid=len(problems.items) == before)
