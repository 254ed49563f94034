"""One module per navigation area of the main window."""
