"""linkatlas: self-hosted backlink intelligence on link data you control."""

__version__ = "0.1.0"
