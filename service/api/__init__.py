"""HTTP entry points: validate with a schema, call one service, dump with a schema."""
