"""`python -m cyberins` runs the CLI."""

from cyberins.cli.app import main

main()
