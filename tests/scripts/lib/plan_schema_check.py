#!/usr/bin/env python3
"""plan_schema_check.py SCHEMA DOC PLAN.json...: each plan document validates against SCHEMA.

A validator for the subset of JSON Schema docs/plan.schema.json uses (type, required,
properties, additionalProperties: false, items, enum, pattern, minLength, minimum), python3's
standard library only. Also checks that DOC (docs/plan.md) shows that very schema and that each
plan's summary counts its files. Prints one line per problem; exits 1 if any."""
import json
import re
import sys

TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
KNOWN = {"$schema", "title", "description", "type", "required", "properties", "additionalProperties", "items",
         "enum", "pattern", "minLength", "minimum"}


def type_ok(value, name):
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, TYPES[name])


def validate(value, schema, where, problems):
    unknown = set(schema) - KNOWN
    if unknown:  # a keyword this validator would silently ignore
        problems.append("%s: schema keyword(s) %s not supported" % (where, sorted(unknown)))
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(type_ok(value, n) for n in names):
            problems.append("%s: %r is not of type %s" % (where, value, "/".join(names)))
            return
    if "enum" in schema and value not in schema["enum"]:
        problems.append("%s: %r is not one of %s" % (where, value, schema["enum"]))
    if isinstance(value, str):
        if "pattern" in schema and not re.search(schema["pattern"], value):
            problems.append("%s: %r does not match %s" % (where, value, schema["pattern"]))
        if len(value) < schema.get("minLength", 0):
            problems.append("%s: %r is shorter than %d" % (where, value, schema["minLength"]))
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "minimum" in schema:
        if value < schema["minimum"]:
            problems.append("%s: %s is below %s" % (where, value, schema["minimum"]))
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append("%s: missing %r" % (where, key))
        props = schema.get("properties", {})
        for key, item in value.items():
            if key in props:
                validate(item, props[key], "%s.%s" % (where, key), problems)
            elif schema.get("additionalProperties", True) is False:
                problems.append("%s: %r is not in the schema" % (where, key))
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            validate(item, schema["items"], "%s[%d]" % (where, i), problems)


def summary_problems(doc, where):
    """The summary counts the files per action (a check the schema cannot express)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("files"), list):
        return []
    counts = {}
    for f in doc["files"]:
        if isinstance(f, dict):
            counts[f.get("action")] = counts.get(f.get("action"), 0) + 1
    summary = doc.get("summary") or {}
    return ["%s: summary.%s is %s, the files say %d" % (where, k, summary.get(k), counts.get(k, 0))
            for k in ("create", "keep", "replace", "mismatch", "remove", "skip")
            if summary.get(k) != counts.get(k, 0)]


def schema_in_doc(doc_text, schema):
    """The first ```json block after the 'JSON schema' heading must be the schema file."""
    match = re.search(r"^## JSON schema.*?```json\n(.*?)```", doc_text, re.M | re.S)
    if not match:
        return ["docs/plan.md: no ```json block under a '## JSON schema' heading"]
    try:
        shown = json.loads(match.group(1))
    except ValueError as e:
        return ["docs/plan.md: the schema block is not JSON: %s" % e]
    return [] if shown == schema else ["docs/plan.md shows another schema than plan.schema.json"]


def main(argv):
    with open(argv[1], encoding="utf-8") as f:
        schema = json.load(f)
    with open(argv[2], encoding="utf-8") as f:
        problems = schema_in_doc(f.read(), schema)
    for path in argv[3:]:
        with open(path, encoding="utf-8") as f:
            try:
                doc = json.load(f)
            except ValueError as e:
                problems.append("%s: not JSON: %s" % (path, e))
                continue
        validate(doc, schema, path, problems)
        problems += summary_problems(doc, path)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
