"""`python -m bot` is `gridbot`."""

from bot.cli import main

main()
