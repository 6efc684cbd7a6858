#!/usr/bin/env python3
"""Parses a JUnit XML report with xml.etree (the parser of the Python standard library) and
checks what CI test-report parsers rely on: a <testsuites> root of <testsuite> elements of
<testcase> elements, each testcase with classname and name and at most one of failure, error or
skipped, and tests/failures/errors/skipped counts on every suite and on the root that match the
testcases. Prints one line per testcase, "status classname name", for the caller to compare.
Usage: check_junit.py FILE; exit 0 when well-formed and consistent, 1 otherwise."""
import sys
import xml.etree.ElementTree as ET


def fail(message):
    print(f"check_junit: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    try:
        root = ET.parse(sys.argv[1]).getroot()
    except ET.ParseError as e:
        fail(f"not well-formed XML: {e}")
    if root.tag != "testsuites":
        fail(f"root element is <{root.tag}>, not <testsuites>")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root:
        if suite.tag != "testsuite":
            fail(f"<{suite.tag}> under <testsuites>")
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        for case in suite:
            if case.tag != "testcase":
                fail(f"<{case.tag}> under <testsuite>")
            if not case.get("classname") or not case.get("name"):
                fail("testcase without classname or name")
            outcomes = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
            if len(outcomes) > 1:
                fail(f"testcase {case.get('name')} has {outcomes}")
            status = outcomes[0] if outcomes else "passed"
            counts["tests"] += 1
            key = {"failure": "failures", "error": "errors", "skipped": "skipped"}.get(status)
            if key:
                counts[key] += 1
            print(status, case.get("classname"), case.get("name"))
        for key, value in counts.items():
            if suite.get(key) != str(value):
                fail(f"testsuite {suite.get('name')}: {key}={suite.get(key)}, counted {value}")
            totals[key] += value
    for key, value in totals.items():
        if root.get(key) != str(value):
            fail(f"testsuites: {key}={root.get(key)}, counted {value}")


if __name__ == "__main__":
    main()
