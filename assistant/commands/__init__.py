"""One module per ``assistant`` command (see assistant/cli.py)."""
