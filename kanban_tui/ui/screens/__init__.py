"""Screens: the board and its modal dialogs."""
