"""Readers turn a coder export (CSV, TSV, xlsx) into a header and numbered rows of text cells.

They know nothing of schemes or statistics; :mod:`socmodel_cli.validation` interprets
the cells.
"""

from socmodel_cli.readers.table import Table, TableProblem, open_table

__all__ = ["Table", "TableProblem", "open_table"]
