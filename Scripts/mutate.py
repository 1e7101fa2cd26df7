#!/usr/bin/env python3
"""Mutation testing of the conformance suite (GitHub issue 21, items 2 and 3).

Each mutant in Scripts/mutants.json is one plausible mistake in the reference server: a source
patch (`file`, an exact `find` string that occurs exactly once, its `replace`). A mutant whose
change cannot be seen from the wire carries `equivalent` (why); if it survives it is reported as
EQUIVALENT and not counted in the score. The harness builds
the unmodified `parley` once in a scratch copy of the repository (the *suite*, the checker used
for every mutant), then for each mutant applies the patch, builds, restores the file, and runs
the mutant server through the suite with Scripts/conformance.sh. A mutant is KILLED when a check
fails (or the server crashes, never becomes ready, or the run times out), SURVIVED when every
check passes, INVALID when it does not compile (not counted).

    python3 Scripts/mutate.py                      # every mutant, HEAD of this repository
    python3 Scripts/mutate.py --only ID[,ID...]    # some mutants
    python3 Scripts/mutate.py --list               # the mutants, then exit
    python3 Scripts/mutate.py --source .           # the working tree instead of HEAD
    python3 Scripts/mutate.py --build-only         # check that every mutant applies and builds

Scratch layout (default /tmp/parley-mutants, --scratch): src/ (the copy, with its own .build),
shared -> ../shared of the repository, pristine-parley (the suite), baseline/, mutants/<id>/
(build.log, run.log, reports/), mutants-report.json (--report).

The requirement report (issue 21 item 3) lists, for the requirement ids the mutants name, whether
a mutant of that requirement was killed and whether a killing check cites the id, and the MUST
requirements of Spec/*.md that no mutant targets or that no check killed a mutant of.

Standard library only (Python 3.11).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SCRATCH = Path("/tmp/parley-mutants")
DEFAULT_PORT_BASE = 27400
PORTS_PER_RUN = 20
# Only the server side is mutated; the suite and its client are never the mutant's job.
SERVER_SOURCES = ("Sources/ParleyCore/", "Sources/ParleyServer/", "Sources/ParleyNIO/", "Sources/ParleyWire/",
                  "Sources/ParleyCompression/", "Sources/ParleyTransport/")
FIELDS = ("id", "section", "requirements", "description", "file", "find", "replace")
SECTION_ORDER = ("session", "framing", "encodings", "websocket", "conversations", "routing", "presence", "typing",
                 "fanout", "compression", "errors", "abuse")
# Top-level names of the scratch copy that syncing never touches.
KEEP_IN_SCRATCH = {".build", "Package.resolved"}
# Top-level names never copied from a working tree (--source) that is not a git repository.
SKIP_IN_SOURCE = {".build", ".git", ".swiftpm", "reports"}


def say(text: str = "") -> None:
    print(text, flush=True)


def fail(text: str, status: int = 2) -> None:
    say(f"mutate.py: {text}")
    sys.exit(status)


# ------------------------------------------------------------------------------------ mutants

def load_mutants(path: Path) -> list[dict]:
    try:
        document = json.loads(path.read_text())
    except (OSError, ValueError) as error:
        fail(f"cannot read {path}: {error}")
    mutants = document["mutants"] if isinstance(document, dict) else document
    seen: set[str] = set()
    problems = []
    for index, mutant in enumerate(mutants):
        missing = [name for name in FIELDS if name not in mutant]
        if missing:
            problems.append(f"mutant #{index} ({mutant.get('id', '?')}) lacks {', '.join(missing)}")
            continue
        if mutant["id"] in seen:
            problems.append(f"mutant id {mutant['id']} appears twice")
        seen.add(mutant["id"])
        if not mutant["file"].startswith(SERVER_SOURCES):
            problems.append(f"{mutant['id']}: {mutant['file']} is not server-side code ({', '.join(SERVER_SOURCES)})")
        if not isinstance(mutant["requirements"], list) or not mutant["requirements"]:
            problems.append(f"{mutant['id']}: requirements must be a non-empty list")
        if mutant["find"] == mutant["replace"]:
            problems.append(f"{mutant['id']}: find and replace are equal")
    if problems:
        fail("bad mutants file:\n  " + "\n  ".join(problems))
    return mutants


def stale_mutants(mutants: list[dict], src: Path) -> list[str]:
    """The mutants whose `find` does not occur exactly once in their file (gone stale)."""
    problems = []
    for mutant in mutants:
        path = src / mutant["file"]
        if not path.is_file():
            problems.append(f"{mutant['id']}: {mutant['file']} does not exist")
            continue
        count = path.read_text().count(mutant["find"])
        if count != 1:
            problems.append(f"{mutant['id']}: find occurs {count} times in {mutant['file']} (expected exactly once)")
    return problems


def list_mutants(mutants: list[dict]) -> None:
    for mutant in mutants:
        say(f"{mutant['id']:48} {mutant['section']:14} {','.join(mutant['requirements'])}")
        say(f"    {mutant['file']}: {mutant['description']}")
    say(f"{len(mutants)} mutants: " + ", ".join(f"{section} {count}" for section, count in section_counts(mutants)))


def section_counts(mutants: list[dict]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for mutant in mutants:
        counts[mutant["section"]] = counts.get(mutant["section"], 0) + 1
    return sorted(counts.items(), key=lambda item: section_rank(item[0]))


def section_rank(section: str) -> tuple[int, str]:
    return (SECTION_ORDER.index(section) if section in SECTION_ORDER else len(SECTION_ORDER), section)


# ------------------------------------------------------------------------------ scratch copy

def source_files_of_head(repo: Path, staging: Path) -> dict[str, Path]:
    """Extracts the committed HEAD of `repo` into `staging`; returns its files by relative path."""
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(repo), "archive", "HEAD"], stdout=subprocess.PIPE)
    tar = subprocess.run(["tar", "-x", "-C", str(staging)], stdin=archive.stdout)
    archive.stdout.close()
    if archive.wait() != 0 or tar.returncode != 0:
        fail(f"git archive HEAD of {repo} failed")
    return walk_files(staging, skip_top=set())


def source_files_of_tree(tree: Path) -> dict[str, Path]:
    """The files of a working tree: tracked and untracked ones git does not ignore, or, outside
    git, everything but build products."""
    listing = subprocess.run(["git", "-C", str(tree), "ls-files", "-co", "--exclude-standard", "-z"],
                             capture_output=True)
    if listing.returncode == 0:
        files = {}
        for name in listing.stdout.decode().split("\0"):
            path = tree / name
            if name and (path.is_file() or path.is_symlink()):
                files[name] = path
        return files
    return walk_files(tree, skip_top=SKIP_IN_SOURCE)


def walk_files(root: Path, skip_top: set[str]) -> dict[str, Path]:
    files = {}
    for directory, subdirectories, names in os.walk(root):
        relative = Path(directory).relative_to(root)
        if relative == Path("."):
            subdirectories[:] = [d for d in subdirectories if d not in skip_top and not d.startswith(".build")]
        subdirectories[:] = [d for d in subdirectories if d != "__pycache__"]
        for name in names:
            files[str(relative / name) if relative != Path(".") else name] = Path(directory) / name
    return files


def sync_tree(files: dict[str, Path], destination: Path) -> int:
    """Makes `destination` hold exactly `files` (apart from KEEP_IN_SCRATCH), copying only what
    differs so that the copy's .build stays valid for incremental builds. Returns the number of
    files written or removed."""
    changed = 0
    destination.mkdir(parents=True, exist_ok=True)
    for relative, source in files.items():
        target = destination / relative
        if source.is_symlink():
            link = os.readlink(source)
            if target.is_symlink() and os.readlink(target) == link:
                continue
            if target.exists() or target.is_symlink():
                target.unlink()
            target.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(link, target)
            changed += 1
            continue
        if target.is_file() and not target.is_symlink() and filecmp.cmp(source, target, shallow=False):
            continue
        if target.is_symlink() or target.exists():
            target.unlink()
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)  # a fresh mtime: the build sees the change
        shutil.copymode(source, target)
        changed += 1
    wanted = set(files)
    directories = []
    for directory, subdirectories, names in os.walk(destination, topdown=True):
        relative = Path(directory).relative_to(destination)
        if relative == Path("."):
            subdirectories[:] = [d for d in subdirectories if d not in KEEP_IN_SCRATCH]
            names = [n for n in names if n not in KEEP_IN_SCRATCH]
        else:
            directories.append(Path(directory))
        for name in names + [d for d in subdirectories if (Path(directory) / d).is_symlink()]:
            key = str(relative / name) if relative != Path(".") else name
            if key not in wanted:
                (Path(directory) / name).unlink()
                changed += 1
    for directory in sorted(directories, key=lambda path: -len(path.parts)):
        try:
            directory.rmdir()  # only succeeds when empty
        except OSError:
            pass
    return changed


def prepare_scratch(scratch: Path, source: Path | None) -> tuple[Path, str]:
    """Brings <scratch>/src to HEAD (or to the working tree of `source`); returns it and a label."""
    src = scratch / "src"
    if source is None:
        files = source_files_of_head(REPO, scratch / "archive")
        head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        label = f"HEAD {head.stdout.strip()} of {REPO}"
        origin = REPO
    else:
        files = source_files_of_tree(source)
        label = f"working tree of {source}"
        origin = source
    changed = sync_tree(files, src)
    if source is None:
        shutil.rmtree(scratch / "archive", ignore_errors=True)
    resolved = origin / "Package.resolved"  # git-ignored: same dependency versions as the source
    if resolved.is_file() and not ((src / "Package.resolved").is_file()
                                   and filecmp.cmp(resolved, src / "Package.resolved", shallow=False)):
        shutil.copyfile(resolved, src / "Package.resolved")
    shared = scratch / "shared"
    if not shared.exists() and not shared.is_symlink() and (origin.parent / "shared").exists():
        os.symlink(origin.parent / "shared", shared)
    say(f"scratch copy {src}: {label} ({changed} files updated)")
    return src, label


def build(src: Path, log: Path, timeout: int = 3600) -> tuple[bool, float, str]:
    """`swift build --product parley` in `src`; returns (success, seconds, last lines of output)."""
    started = time.monotonic()
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as output:
        try:
            result = subprocess.run(["swift", "build", "--product", "parley"], cwd=src, stdout=output,
                                    stderr=subprocess.STDOUT, timeout=timeout)
            ok = result.returncode == 0
        except subprocess.TimeoutExpired:
            ok = False
    seconds = time.monotonic() - started
    lines = log.read_text(errors="replace").splitlines()
    errors = [line for line in lines if "error:" in line]
    return ok, seconds, "\n".join((errors or lines)[-8:])


class Patched:
    """Applies a mutant to the scratch copy; the original file is restored on exit, whatever happens."""

    def __init__(self, src: Path, mutant: dict):
        self.path = src / mutant["file"]
        self.mutant = mutant
        self.original: bytes | None = None

    def __enter__(self) -> "Patched":
        self.original = self.path.read_bytes()
        text = self.original.decode()
        count = text.count(self.mutant["find"])
        if count != 1:
            raise RuntimeError(f"{self.mutant['id']}: find occurs {count} times in {self.mutant['file']}")
        self.path.write_text(text.replace(self.mutant["find"], self.mutant["replace"]))
        return self

    def __exit__(self, *exc) -> None:
        if self.original is not None:
            self.path.write_bytes(self.original)


# ---------------------------------------------------------------------------------- scoring

def free_port_base(start: int) -> int:
    """The first block of PORTS_PER_RUN loopback ports from `start` (in steps of the block) that
    can all be bound now."""
    base = start
    for _ in range(200):
        if all(port_free(base + offset) for offset in range(PORTS_PER_RUN)):
            return base
        base += PORTS_PER_RUN
        if base + PORTS_PER_RUN > 65535:
            base = 20000
    fail("no free block of loopback ports found")
    return start


def port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            probe.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def kill_group(pgid: int) -> None:
    """Ends every process of the group this harness started (the script and its servers)."""
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            try:
                os.killpg(pgid, 0)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.1)


class Runner:
    """Runs Scripts/conformance.sh for one server binary and reads its JSON reports."""

    def __init__(self, script: Path, suite: Path, spec: Path, cwd: Path, extra: list[str], timeout: int, port_base: int):
        self.script = script
        self.suite = suite
        self.spec = spec
        self.cwd = cwd
        self.extra = extra
        self.timeout = timeout
        self.port_base = port_base
        self.runs = 0

    def run(self, server: Path, directory: Path, extra: list[str] | None = None) -> dict:
        if directory.exists():
            shutil.rmtree(directory)
        reports = directory / "reports"
        reports.mkdir(parents=True)
        # Spread successive runs over a few port blocks: a server of the last run may still linger.
        base = free_port_base(self.port_base + PORTS_PER_RUN * (self.runs % 5))
        self.runs += 1
        command = ["bash", str(self.script), "--server", str(server), "--suite", str(self.suite),
                   "--reports", str(reports), "--port-base", str(base), "--spec", str(self.spec)]
        arguments = self.extra + (extra or [])
        if arguments:
            command += ["--", *arguments]
        started = time.monotonic()
        timed_out = False
        with open(directory / "run.log", "w") as log:
            log.write("$ " + " ".join(command) + "\n")
            log.flush()
            process = subprocess.Popen(command, cwd=self.cwd, stdout=log, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
            try:
                status = process.wait(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                kill_group(process.pid)
                status = process.wait()
            except BaseException:
                kill_group(process.pid)
                process.wait()
                raise
            finally:
                kill_group(process.pid)  # servers the script left behind
        outcome = read_reports(reports)
        outcome.update(status=status, timedOut=timed_out, seconds=round(time.monotonic() - started, 1))
        outcome["log"] = str(directory / "run.log")
        return outcome


def read_reports(reports: Path) -> dict:
    runs = []
    failed = []
    for path in sorted(reports.glob("conformance-*.json")):
        try:
            report = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            runs.append({"report": path.name, "error": str(error)})
            continue
        checks = report.get("checks", [])
        failing = [check for check in checks if check.get("status") == "failed"]
        runs.append({"report": path.name, "endpoint": report.get("endpoint"), "passed": report.get("passed", 0),
                     "failed": report.get("failed", len(failing)), "skipped": report.get("skipped", 0)})
        for check in failing:
            failed.append({"check": check.get("id"), "requirements": check.get("requirements", []),
                           "report": path.name, "detail": (check.get("detail") or "")[:500]})
        if report.get("failed", 0) and not failing:
            failed.append({"check": "?", "requirements": report.get("failedMust", []), "report": path.name,
                           "detail": f"{report.get('failed')} failed checks without details"})
    return {"runs": runs, "failed": failed}


def verdict(outcome: dict) -> tuple[bool, str]:
    """Whether a run found the server broken, and why."""
    if outcome["timedOut"]:
        return True, "the run timed out"
    if outcome["failed"]:
        return True, ""
    if not outcome["runs"]:
        return True, f"no report (the server crashed or never became ready; exit status {outcome['status']})"
    if any("error" in run for run in outcome["runs"]):
        return True, "unreadable report"
    if outcome["status"] != 0:
        return True, f"exit status {outcome['status']} with no failed check"
    return False, ""


def failing_ids(outcome: dict) -> list[str]:
    ids = []
    for failure in outcome["failed"]:
        if failure["check"] not in ids:
            ids.append(failure["check"])
    return ids


def confirm(runner: Runner, server: Path, directory: Path, outcome: dict) -> tuple[bool, list[dict]]:
    """Runs again the checks that failed (a few, one --filter run each): a failure that does not
    come back is a flaky check, not the mutant. Returns whether any failed again, and the runs."""
    reruns = []
    for index, check in enumerate([c for c in failing_ids(outcome) if c != "?"][:3]):
        again = runner.run(server, directory / f"confirm-{index + 1}", extra=["--filter", check])
        broken, _ = verdict(again)
        reruns.append({"check": check, "failedAgain": broken, "failed": again["failed"]})
        if broken:
            return True, reruns
    return (not reruns), reruns


def suite_supports(suite: Path, option: str) -> bool:
    try:
        help_text = subprocess.run([str(suite), "conformance", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return option in help_text.stdout + help_text.stderr


# ------------------------------------------------------------------------------ requirements

def requirement_levels(spec: Path) -> dict[str, str]:
    """Every `- **PREFIX-N** (LEVEL): text` of Spec/*.md, as RequirementCatalog reads them."""
    levels = {}
    for path in sorted(spec.glob("*.md")):
        for line in path.read_text().split("\n"):
            parsed = parse_requirement(line)
            if parsed:
                levels[parsed[0]] = parsed[1]
    return levels


def parse_requirement(line: str) -> tuple[str, str] | None:
    trimmed = line.lstrip(" ")
    if not trimmed.startswith("- **"):
        return None
    rest = trimmed[4:]
    end = rest.find("** (")
    if end < 0:
        return None
    identifier, after = rest[:end], rest[end + 4:]
    close = after.find(")")
    if close < 0 or after[:close] not in ("MUST", "SHOULD", "MAY"):
        return None
    prefix, dash, number = identifier.partition("-")
    if not dash or not prefix or not prefix.isupper() or not prefix.isalpha() or not number or not number.isdigit():
        return None
    return identifier, after[:close]


def requirement_sort_key(identifier: str) -> tuple[str, int]:
    prefix, _, number = identifier.partition("-")
    return prefix, int(number) if number.isdigit() else 0


def requirement_report(results: list[dict], levels: dict[str, str], untestable: dict) -> dict:
    targeted: dict[str, dict] = {}
    for result in results:
        if result["status"] == "INVALID":
            continue
        for requirement in result["requirements"]:
            entry = targeted.setdefault(requirement, {"mutants": [], "killed": [], "cited": False})
            entry["mutants"].append(result["id"])
            if result["status"] == "KILLED":
                entry["killed"].append(result["id"])
                if any(requirement in failure["requirements"] for failure in result.get("killedBy", [])):
                    entry["cited"] = True
    must = sorted((r for r, level in levels.items() if level == "MUST"), key=requirement_sort_key)
    return {
        "targeted": {r: targeted[r] for r in sorted(targeted, key=requirement_sort_key)},
        "covered": sorted((r for r, e in targeted.items() if e["killed"]), key=requirement_sort_key),
        "coveredAndCited": sorted((r for r, e in targeted.items() if e["cited"]), key=requirement_sort_key),
        "mustUntargeted": [r for r in must if r not in targeted],
        "mustUntargetedUntestable": [r for r in must if r not in targeted and r in untestable],
        "mustTargetedNotKilled": [r for r in must if r in targeted and not targeted[r]["killed"]],
        "unknownIds": sorted((r for r in targeted if r not in levels), key=requirement_sort_key),
    }


def wrap(items: list[str], indent: str = "    ") -> str:
    return textwrap.fill(" ".join(items) or "(none)", width=100, initial_indent=indent, subsequent_indent=indent,
                         break_on_hyphens=False, break_long_words=False)


def print_requirement_report(report: dict) -> None:
    say("Requirement report (issue 21 item 3): a requirement is covered when a mutant naming it was killed;")
    say("'cited' when a killing check also cites the id (with --fail-fast only each run's first failure is known).")
    covered = report["covered"]
    cited = set(report["coveredAndCited"])
    say(f"  covered ({len(covered)}, {len(cited)} cited):")
    say(wrap([r + ("" if r in cited else "(uncited)") for r in covered]))
    say(f"  MUST requirements targeted by mutants but with no killing check ({len(report['mustTargetedNotKilled'])}):")
    say(wrap(report["mustTargetedNotKilled"]))
    untargeted = report["mustUntargeted"]
    untestable = set(report["mustUntargetedUntestable"])
    say(f"  MUST requirements no mutant targets ({len(untargeted)}; * = listed untestable in conformance-untestable.json):")
    say(wrap([r + ("*" if r in untestable else "") for r in untargeted]))
    if report["unknownIds"]:
        say("  ids named by mutants but not found in Spec/*.md: " + " ".join(report["unknownIds"]))


# ------------------------------------------------------------------------------------- main

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mutants", type=Path, default=REPO / "Scripts" / "mutants.json", help="the mutants file")
    parser.add_argument("--scratch", type=Path, default=DEFAULT_SCRATCH, help="scratch folder (default %(default)s)")
    parser.add_argument("--source", type=Path, help="copy this working tree (uncommitted changes included) instead of HEAD")
    parser.add_argument("--report", type=Path, help="JSON report (default <scratch>/mutants-report.json)")
    parser.add_argument("--only", help="run only these mutants (comma-separated ids)")
    parser.add_argument("--list", action="store_true", help="print the mutants and exit")
    parser.add_argument("--keep-going", action="store_true", help="go on when the unmodified server fails the suite")
    parser.add_argument("--build-only", action="store_true", help="check that each mutant applies and builds; no scoring")
    parser.add_argument("--skip-baseline", action="store_true", help="do not run the unmodified server first")
    parser.add_argument("--conformance", type=Path,
                        help="the conformance script (default: Scripts/conformance.sh of the scratch copy, else of this repository)")
    parser.add_argument("--timeout", type=int, default=600, help="hard timeout of one suite run, s (default %(default)s)")
    parser.add_argument("--port-base", type=int, default=DEFAULT_PORT_BASE, help="first loopback port (default %(default)s)")
    parser.add_argument("--no-fail-fast", action="store_true", help="do not pass --fail-fast to the suite")
    parser.add_argument("--no-confirm", action="store_true", help="do not re-run the checks that killed a mutant")
    parser.add_argument("--keep-binaries", action="store_true", help="keep each mutant's parley binary")
    args = parser.parse_args()

    mutants = load_mutants(args.mutants)
    if args.only:
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in {m["id"] for m in mutants}]
        if unknown:
            fail("unknown mutant ids: " + ", ".join(unknown))
        mutants = [m for m in mutants if m["id"] in wanted]
    if args.list:
        list_mutants(mutants)
        return

    scratch = args.scratch.resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    report_path = (args.report or scratch / "mutants-report.json").resolve()
    src, label = prepare_scratch(scratch, args.source.resolve() if args.source else None)
    stale = stale_mutants(mutants, src)
    if stale:
        fail("stale mutants (fix Scripts/mutants.json):\n  " + "\n  ".join(stale))

    say("building the unmodified parley (the suite for every mutant) ...")
    ok, seconds, tail = build(src, scratch / "pristine-build.log")
    if not ok:
        fail(f"the unmodified source does not build ({scratch / 'pristine-build.log'}):\n{tail}", 1)
    suite = scratch / "pristine-parley"
    shutil.copy2(src / ".build" / "debug" / "parley", suite)
    say(f"built in {seconds:.0f} s: {suite}")

    if args.build_only:
        invalid = []
        for mutant in mutants:
            with Patched(src, mutant):
                ok, seconds, tail = build(src, scratch / "mutants" / mutant["id"] / "build.log")
            say(f"{'BUILDS ' if ok else 'INVALID'}  {mutant['id']}  [{seconds:.0f} s]")
            if not ok:
                invalid.append(mutant["id"])
                say(textwrap.indent(tail, "    "))
        say(f"{len(mutants) - len(invalid)} of {len(mutants)} mutants build" + (": invalid " + ", ".join(invalid) if invalid else ""))
        return

    script = args.conformance or next((p for p in (src / "Scripts" / "conformance.sh", REPO / "Scripts" / "conformance.sh")
                                       if p.is_file()), None)
    if script is None or not Path(script).is_file():
        fail("Scripts/conformance.sh not found (pass --conformance SCRIPT)")
    script = Path(script).resolve()
    if args.conformance is None and not script.is_relative_to(src):
        say(f"note: the scratch copy has no Scripts/conformance.sh (not committed?); using {script}, which runs the "
            "suite and Spec of the scratch copy: if they lack what the script needs, pass --source")
    extra = [] if args.no_fail_fast or not suite_supports(suite, "--fail-fast") else ["--fail-fast"]
    runner = Runner(script, suite, src / "Spec", src, extra, args.timeout, args.port_base)
    say(f"conformance script {script}; suite options: {' '.join(extra) or '(none)'}")

    document = {
        "source": label, "mutantsFile": str(args.mutants), "conformanceScript": str(script), "suite": str(suite),
        "suiteOptions": extra, "startedAt": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "baseline": None, "mutants": [],
    }

    def save() -> None:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(json.dumps(document, indent=2) + "\n")

    if not args.skip_baseline:
        say("baseline: the unmodified server through the suite ...")
        outcome = runner.run(suite, scratch / "baseline")
        broken, reason = verdict(outcome)
        flaky: list[dict] = []
        if broken and outcome["failed"] and not outcome["timedOut"]:
            again, flaky = confirm(runner, suite, scratch / "baseline", outcome)
            if not again:
                say("baseline: failures that did not come back (flaky checks): " + ", ".join(failing_ids(outcome)))
                broken = False
        document["baseline"] = {**outcome, "confirmations": flaky}
        save()
        summary = ", ".join(f"{run['report']} {run.get('passed', 0)} passed/{run.get('failed', 0)} failed/"
                            f"{run.get('skipped', 0)} skipped" for run in outcome["runs"])
        say(f"baseline: {summary or 'no reports'} [{outcome['seconds']:.0f} s]")
        if broken:
            say(f"baseline FAILED: the unmodified server does not pass the suite ({reason or ', '.join(failing_ids(outcome))}); "
                f"see {outcome['log']}")
            for failure in outcome["failed"][:10]:
                say(f"    {failure['report']}: {failure['check']}: {failure['detail'][:200]}")
            if not args.keep_going:
                sys.exit(1)

    results = document["mutants"]
    for number, mutant in enumerate(mutants, 1):
        directory = scratch / "mutants" / mutant["id"]
        if directory.exists():
            shutil.rmtree(directory)
        directory.mkdir(parents=True)
        result = {key: mutant[key] for key in ("id", "section", "requirements", "description", "file", "equivalent") if key in mutant}
        with Patched(src, mutant):
            ok, build_seconds, tail = build(src, directory / "build.log")
            if ok:
                binary = directory / "parley"
                shutil.copy2(src / ".build" / "debug" / "parley", binary)
        result["buildSeconds"] = round(build_seconds, 1)
        if not ok:
            result.update(status="INVALID", reason=tail)
            say(f"INVALID  {mutant['id']}  [{number}/{len(mutants)}; build {build_seconds:.0f} s]")
            say(textwrap.indent(tail, "    "))
        else:
            outcome = runner.run(binary, directory / "run")
            broken, reason = verdict(outcome)
            confirmations: list[dict] = []
            confirm_started = time.monotonic()
            if broken and outcome["failed"] and not outcome["timedOut"] and not args.no_confirm:
                broken, confirmations = confirm(runner, binary, directory, outcome)
            confirm_seconds = time.monotonic() - confirm_started
            killed_by = outcome["failed"]
            survived_as = "EQUIVALENT" if mutant.get("equivalent") else "SURVIVED"
            result.update(status="KILLED" if broken else survived_as, reason=reason, killedBy=killed_by if broken else [],
                          runSeconds=outcome["seconds"], runs=outcome["runs"], confirmations=confirmations)
            if not broken and outcome["failed"]:
                result["flaky"] = failing_ids(outcome)
            timing = f"[{number}/{len(mutants)}; build {build_seconds:.0f} s, run {outcome['seconds']:.0f} s" + (
                f" + {confirm_seconds:.0f} s to confirm]" if confirmations else "]")
            if broken:
                ids = failing_ids(outcome)
                by = (", ".join(ids[:5]) + (f", +{len(ids) - 5} more" if len(ids) > 5 else "")) or reason
                say(f"KILLED   {mutant['id']}  (by {by})  {timing}")
            else:
                note = f"  (failed once by {', '.join(result['flaky'])}, not reproduced)" if result.get("flaky") else ""
                say(f"{survived_as:<8} {mutant['id']}{note}  {timing}")
            if not args.keep_binaries:
                binary.unlink(missing_ok=True)
        results.append(result)
        save()

    # ---------------------------------------------------------------------------- summary
    killed = [r for r in results if r["status"] == "KILLED"]
    survived = [r for r in results if r["status"] == "SURVIVED"]
    invalid = [r for r in results if r["status"] == "INVALID"]
    equivalent = [r for r in results if r["status"] == "EQUIVALENT"]
    valid = len(killed) + len(survived)
    percent = 100.0 * len(killed) / valid if valid else 0.0
    document["score"] = {"killed": len(killed), "survived": len(survived), "invalid": len(invalid),
                         "equivalent": len(equivalent), "valid": valid, "percent": round(percent, 1)}
    say()
    uncounted = [f"{len(invalid)} invalid" for _ in invalid[:1]] + [f"{len(equivalent)} equivalent" for _ in equivalent[:1]]
    say(f"killed / valid = {len(killed)} / {valid} = {percent:.1f} %" + (f"   ({', '.join(uncounted)}, not counted)" if uncounted else ""))
    by_section = {}
    for result in results:
        counts = by_section.setdefault(result["section"], [0, 0])
        if result["status"] not in ("INVALID", "EQUIVALENT"):
            counts[1] += 1
            counts[0] += result["status"] == "KILLED"
    say("by section: " + ", ".join(f"{section} {k}/{v}" for section, (k, v) in
                                   sorted(by_section.items(), key=lambda item: section_rank(item[0]))))
    document["score"]["bySection"] = {section: {"killed": k, "valid": v} for section, (k, v) in by_section.items()}
    if survived:
        say("survivors:")
        for result in survived:
            say(f"  {result['id']} ({result['section']}; {', '.join(result['requirements'])}): {result['description']}")
    if equivalent:
        say("equivalent (survived; the same observable behaviour, so no check can fail on them):")
        for result in equivalent:
            say(f"  {result['id']} ({', '.join(result['requirements'])}): {result['equivalent']}")
    if invalid:
        say("invalid (do not compile): " + ", ".join(r["id"] for r in invalid))
    say()
    spec = src / "Spec"
    untestable_file = spec / "conformance-untestable.json"
    try:
        untestable = json.loads(untestable_file.read_text()).get("untestable", {})
    except (OSError, ValueError):
        untestable = {}
    report = requirement_report(results, requirement_levels(spec), untestable)
    document["requirements"] = report
    print_requirement_report(report)
    document["finishedAt"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    save()
    say(f"\nreport: {report_path}")


if __name__ == "__main__":
    main()
