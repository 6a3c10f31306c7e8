"""The Textual UI: the app, its screens, widgets and one stylesheet."""
