#!/usr/bin/env python3
"""Runs every test_* function of Tests/Browser/test_*.py in headless Chromium and prints the
counts; exits 1 if any failed. Screenshots go to reports/screenshots/."""
import importlib.util
import pathlib
import sys
import time
import traceback

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
(HERE.parent.parent / "reports").mkdir(exist_ok=True)

passed, failed = 0, []
for path in sorted(HERE.glob("test_*.py")):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in sorted(n for n in dir(module) if n.startswith("test_")):
        if len(sys.argv) > 1 and not any(f in f"{path.stem}.{name}" for f in sys.argv[1:]):
            continue
        start = time.time()
        try:
            getattr(module, name)()
            passed += 1
            print(f"PASS {path.stem}.{name} ({time.time() - start:.1f} s)", flush=True)
        except Exception:
            failed.append(f"{path.stem}.{name}")
            print(f"FAIL {path.stem}.{name} ({time.time() - start:.1f} s)\n{traceback.format_exc()}", flush=True)
print(f"browser tests: {passed} passed, {len(failed)} failed" + (f": {', '.join(failed)}" if failed else ""))
sys.exit(1 if failed else 0)
