"""Services: the small API the CLI and the widgets call. Widgets never open sessions."""
