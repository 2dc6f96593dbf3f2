"""One module per source format, each with `parse(path) -> Iterator[Paper | ParseError]`."""
