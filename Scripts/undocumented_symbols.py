#!/usr/bin/env python3
"""Lists the public symbols of the given modules that have no doc comment, from the symbol graphs
that `swift package generate-documentation` extracted into
.build/<triple>/extracted-symbols/<package>/<Module>/ (or under $PARLEY_BUILD for a package
built in another build folder); exits 1 if there is any.

Not counted: compiler-synthesized symbols (`!=`, `hashValue`, …), members that implement a
protocol requirement without a comment of their own (DocC shows the requirement's), and
extension blocks themselves (`extension Array`; their public members are counted). Usage:
Scripts/docs.sh runs it; by hand, `python3 Scripts/undocumented_symbols.py ParleyWire …` after it.
"""
import glob
import json
import os
import sys


def graph_files(module):
    """The newest extraction of `module`: its main graph and its extension graphs (Module@Other)."""
    folders = glob.glob(os.path.join(os.environ.get("PARLEY_BUILD", ".build"), "*", "extracted-symbols", "*", module))
    if not folders:
        sys.exit(f"undocumented_symbols.py: no symbol graphs for {module}; run Scripts/docs.sh first")
    folder = max(folders, key=os.path.getmtime)
    return sorted(glob.glob(os.path.join(folder, f"{module}.symbols.json")) + glob.glob(os.path.join(folder, f"{module}@*.symbols.json")))


def undocumented(path):
    graph = json.load(open(path))
    for symbol in graph["symbols"]:
        if symbol["accessLevel"] not in ("public", "open"):
            continue
        if "::SYNTHESIZED::" in symbol["identifier"]["precise"] or symbol["kind"]["identifier"] == "swift.extension":
            continue
        location = symbol.get("location", {})
        comment = symbol.get("docComment")
        if comment and "".join(line["text"] for line in comment["lines"]).strip():
            continue  # its own comment, or one inherited from the requirement it implements
        where = location.get("uri", "").split("/Sources/")[-1]
        line = location.get("position", {}).get("line", -1) + 1
        yield (f"Sources/{where}", line, f"{graph['module']['name']}: {symbol['kind']['displayName'].lower()} {'.'.join(symbol['pathComponents'])}")


def main():
    modules = sys.argv[1:]
    if not modules:
        sys.exit(__doc__)
    found = sorted({entry for module in modules for path in graph_files(module) for entry in undocumented(path)})
    for path, line, what in found:
        print(f"{path}:{line}: {what}")
    print(f"{len(found)} public symbols without a doc comment")
    sys.exit(1 if found else 0)


if __name__ == "__main__":
    main()
