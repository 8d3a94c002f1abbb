"""War Report Events: the schema, builder, validator and tools of the data package."""

__version__ = "0.4.0-dev"
SCHEMA_VERSION = "0.2.0"
