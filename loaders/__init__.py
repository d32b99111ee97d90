"""Files -> validated :class:`~graph.catalog.Catalog`.

``load_catalog(path=None)`` reads YAML or JSON (by extension); with no path it
returns the shipped seed catalog built from the three guides.
"""

from loaders.checks import check_catalog
from loaders.files import SEED_PATH, ValidationReport, load_catalog, parse_catalog, read_catalog_data, validate_file

__all__ = [
    "SEED_PATH",
    "ValidationReport",
    "check_catalog",
    "load_catalog",
    "parse_catalog",
    "read_catalog_data",
    "validate_file",
]
