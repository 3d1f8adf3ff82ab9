"""Lets `python -m pressfree` run the command line."""

from pressfree.cli import main

main()
