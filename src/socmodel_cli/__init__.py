"""socmodel: coding schemes, coder-file validation and inter-coder reliability."""

__version__ = "0.1.0"
