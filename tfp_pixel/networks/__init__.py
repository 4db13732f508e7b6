"""The networks of the distributions."""
