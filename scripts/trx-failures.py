#!/usr/bin/env python3
"""Prints the failed tests of a TRX report (name, message, the top of the stack), so that the
end of a long test log, which is what CI keeps, says what failed."""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}


def main(path: str) -> int:
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print(f"(no test report to summarise: {e})")
        return 1
    failed = [r for r in root.iterfind(".//t:UnitTestResult", NS) if r.get("outcome") == "Failed"]
    print()
    print(f"==== {len(failed)} failed test(s) ====")
    for r in failed:
        print(f"FAILED {r.get('testName')} ({r.get('duration')})")
        message = r.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
        stack = r.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS).strip()
        for line in message.splitlines()[:20]:
            print(f"  {line}")
        for line in stack.splitlines()[:8]:
            print(f"    {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
