"""Prints the form pairs stripe-python sends for each JSON params file given, as JSON:
{"file.json": [[key, value], ...], ...}. Used by tests/stripe_python.rs."""
import json
import sys

from stripe._encode import _api_encode

out = {}
for path in sys.argv[1:]:
    with open(path) as f:
        params = json.load(f)
    out[path] = [[key, value if isinstance(value, str) else str(value)] for key, value in _api_encode(params)]
print(json.dumps(out))
