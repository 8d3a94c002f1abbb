"""War Report Events: the schema, builder, validator and tools of the data package."""

__version__ = "0.3.0"
SCHEMA_VERSION = "0.2.0"
