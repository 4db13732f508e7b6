"""The `tfp-pixel` command line tool."""
