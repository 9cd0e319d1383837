"""Commitments: how well departments keep their published response commitments.

`record` holds the figures' shapes, `rollups` keeps per-day rollups of the requests up to
date, `adherence` computes records from them, `full_scan` computes the same records from the
requests alone (the reference the rollups are checked against).
"""
