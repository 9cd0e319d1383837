"""How well departments keep their published commitments: see catalog.commitments.

Kept so that `from catalog import adherence` goes on working; records come from the rollups
(catalog.commitments.adherence), definitions are in catalog.commitments.record.
"""

from .commitments.adherence import empty_record, record_for, records
from .commitments.record import (
    MIN_MEASURED,
    ON_TIME_GOAL,
    WEEKS,
    WINDOWS,
    Measure,
    Record,
    Week,
    WindowRecord,
    nearest_rank,
)

__all__ = ["MIN_MEASURED", "ON_TIME_GOAL", "WEEKS", "WINDOWS", "Measure", "Record", "Week",
           "WindowRecord", "empty_record", "nearest_rank", "record_for", "records"]
