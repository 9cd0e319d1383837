"""Requests after submission: approvals (more of the request workflow moves here when touched)."""
