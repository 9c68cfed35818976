"""The `gridbot` command: its group, operator commands, nlp commands and developer commands."""
