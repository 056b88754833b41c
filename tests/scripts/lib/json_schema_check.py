#!/usr/bin/env python3
"""json_schema_check.py SCHEMA_DIR PLAN_SCHEMA DOC.json...: each kpki output document validates
against the schema of its kind (SCHEMA_DIR/<kind>.schema.json; kind Plan: PLAN_SCHEMA), carries
apiVersion output.kpki.io/v1alpha1, and has camelCase keys only (no '_' or '-' in any key, at any
depth). A file ending in .yaml is read as YAML (PyYAML) and checked the same way. The validator is
plan_schema_check.py's. Prints one line per problem; exits 1 if any."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plan_schema_check import validate  # noqa: E402

CAMEL = re.compile(r"^[a-z][A-Za-z0-9]*$")


def key_problems(value, where):
    out = []
    if isinstance(value, dict):
        for key, item in value.items():
            if not CAMEL.match(key) and key != "$schema":
                out.append("%s: key %r is not camelCase" % (where, key))
            out += key_problems(item, "%s.%s" % (where, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            out += key_problems(item, "%s[%d]" % (where, i))
    return out


def load(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".yaml"):
            import yaml
            return yaml.safe_load(f)
        return json.load(f)


def main(argv):
    schema_dir, plan_schema = argv[1], argv[2]
    problems = []
    for path in argv[3:]:
        try:
            doc = load(path)
        except Exception as e:  # noqa: BLE001 - any parse error is a problem to report
            problems.append("%s: not a document: %s" % (path, e))
            continue
        if not isinstance(doc, dict) or doc.get("apiVersion") != "output.kpki.io/v1alpha1":
            problems.append("%s: no apiVersion output.kpki.io/v1alpha1" % path)
            continue
        kind = doc.get("kind", "")
        schema_path = plan_schema if kind == "Plan" else os.path.join(schema_dir, "%s.schema.json" % kind)
        if not os.path.exists(schema_path):
            problems.append("%s: no schema for kind %r" % (path, kind))
            continue
        with open(schema_path, encoding="utf-8") as f:
            validate(doc, json.load(f), path, problems)
        problems += key_problems(doc, path)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
