"""Widgets, grouped by the area of the screen they draw."""
