"""The distributions of the toolkit, one per module."""
