"""`python -m bot` is `gridbot`."""

from bot.cli.gridbot import main

main()
