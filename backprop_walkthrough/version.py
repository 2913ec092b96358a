"""The package's version, in a module of its own: the step cache keys its entries by it without
importing the package's API."""

__version__ = "0.6.0"
