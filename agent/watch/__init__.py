"""Keeping watch: what the history shows over time, as a report a person can keep."""
