"""Operators' spreadsheets (CSV or .xlsx): read by the CLI and the demo, later by the console."""
