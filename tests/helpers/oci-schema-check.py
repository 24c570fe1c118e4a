#!/usr/bin/python3
# tests/helpers/oci-schema-check.py SCHEMA JSON-FILE: validate JSON-FILE against one of the OCI
# runtime spec's JSON schemas (its $refs resolved next to it), with Debian's python3-jsonschema.
# Exit 0 when valid; 1 with every error (JSON path: message) on stderr; 2 on a usage error.
import json
import os
import sys

import jsonschema

if len(sys.argv) != 3:
    print("usage: oci-schema-check.py SCHEMA JSON-FILE", file=sys.stderr)
    sys.exit(2)
schema_path = os.path.abspath(sys.argv[1])
with open(schema_path) as f:
    schema = json.load(f)
with open(sys.argv[2]) as f:
    doc = json.load(f)
resolver = jsonschema.RefResolver(base_uri="file://" + os.path.dirname(schema_path) + "/",
                                  referrer=schema)
cls = jsonschema.validators.validator_for(schema)
errors = sorted(cls(schema, resolver=resolver).iter_errors(doc), key=lambda e: list(e.path))
for e in errors:
    print("%s: %s" % ("/".join(str(p) for p in e.path) or "(root)", e.message), file=sys.stderr)
sys.exit(1 if errors else 0)
