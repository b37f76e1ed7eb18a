#!/usr/bin/env python3
"""Fails when the CMake and the Bazel build compile different source files.

For ctid, ctictl and the unit tests, both builds must compile the same .cc files and
generate code from the same .proto files, and every header those sources include must
be declared to Bazel. Nothing is built:

  CMake: compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS is ON), one entry per
         translation unit, its target named by the object path (CMakeFiles/<t>.dir/).
         Generated .pb.cc files count as the .proto they come from.
  Bazel: bazel query 'kind("source file", deps(//...))' in bazel-compat/, i.e. every
         source file ctid, ctictl and the unit tests depend on, headers included.
  Headers: CMake lists none, so the quoted #includes of the CMake sources are followed
         (with each source's -I folders) and every header reached must be in the Bazel
         set. Headers Bazel declares that nothing includes are only noted.

Usage: bazel-compat/check_sources.py [--compile-commands build/compile_commands.json]
Without a compile_commands.json, CMake configures a scratch build folder to write one.
Exit status: 0 same sources, 1 a difference (each file named), 2 cannot run.
"""

import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BAZEL_WORKSPACE = os.path.join(ROOT, "bazel-compat")
BAZEL_REPO = "@cti"  # the source tree as Bazel sees it (WORKSPACE: new_local_repository)

# CMake-only: built by CMake and deliberately not by Bazel. Keyed by the folder of the
# CMakeLists.txt (CMake's build folders mirror the source folders), then by target.
CMAKE_ONLY_FOLDERS = {
    "tests/integration": "end-to-end suites: ctid and ctictl as child processes",
    "tests/fuzz": "fuzz targets: CMake builds them as libFuzzer binaries (clang) or with a driver",
    "tests/crash": "kill -9 under load, against the ctid binary",
    "tests/bench": "benchmarks that print figures (cti_bench, route_bench, ...)",
    "tests/kamailio": "Kamailio and sipp around the ctid binary (end-to-end suite)",
    "tests/kafka_broker": "librdkafka's mock Kafka cluster for the Kafka suites, its test",
    "tests/support": "child processes, gRPC health/reflection clients for the suites above",
}
CMAKE_ONLY_TARGETS = {
    "projector_bench": "micro-benchmark, prints figures; not a CTest test",
    "as_of_bench": "micro-benchmark of Route about the past, prints figures; not a CTest test",
    "distribution_bench": "micro-benchmark (Google Benchmark); not a CTest test",
    "hours_bench": "micro-benchmark (Google Benchmark); not a CTest test",
    "embedded_log_bench": "prints appends/s; not a CTest test",
}
# Bazel-only: none. (Bazel's own files, bazel-compat/*, are not in the source tree.)
BAZEL_ONLY = {}

COMPILED = (".cc", ".proto")
HEADERS = (".h",)
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
TARGET = re.compile(r"CMakeFiles/([^/]+)\.dir/")


def fail_to_run(message):
    print("check_sources: " + message, file=sys.stderr)
    sys.exit(2)


def compile_commands_path(given):
    """The compile_commands.json to read, configuring a scratch CMake build if needed."""
    if given:
        if not os.path.isfile(given):
            fail_to_run("no such file: " + given)
        return given, None
    build = os.environ.get("CTI_BUILD_DIR", os.path.join(ROOT, "build"))
    path = os.path.join(build, "compile_commands.json")
    if os.path.isfile(path):
        return path, None
    scratch = tempfile.mkdtemp(prefix="cti-check-sources-")
    run = subprocess.run(["cmake", "-S", ROOT, "-B", scratch], capture_output=True, text=True)
    if run.returncode != 0:
        fail_to_run("cmake configure failed:\n" + run.stderr)
    return os.path.join(scratch, "compile_commands.json"), scratch


def generated_source(path):
    """The .proto a generated foo.pb.cc / foo.grpc.pb.cc comes from (build-relative path).

    Tries the longest tail of the path that names a .proto in the source tree:
    proto/cti/v1/event.pb.cc -> proto/cti/v1/event.proto,
    projections/gen/projections/internal/state.pb.cc -> projections/internal/state.proto.
    """
    stem = re.sub(r"(\.grpc)?\.pb\.(cc|h)$", "", path)
    if stem == path:
        return None
    parts = stem.split("/")
    for start in range(len(parts)):
        candidate = "/".join(parts[start:]) + ".proto"
        if os.path.isfile(os.path.join(ROOT, candidate)):
            return candidate
    return None


def cmake_sources(compile_commands):
    """{source: CMake target} and {source: [its -I folders]} of the shared targets."""
    with open(compile_commands, encoding="utf-8") as f:
        entries = json.load(f)
    # The top of the build tree: every entry's folder is in it (proto/, server/, ...).
    build = os.path.commonpath([os.path.normpath(e["directory"]) for e in entries])
    sources, include_dirs, unknown = {}, {}, []
    for entry in entries:
        args = entry.get("arguments") or shlex.split(entry["command"])
        found = TARGET.search(entry.get("output", "") or " ".join(args))
        target = found.group(1) if found else "?"
        folder = os.path.relpath(entry["directory"], build)
        if target in CMAKE_ONLY_TARGETS or any(
            folder == f or folder.startswith(f + "/") for f in CMAKE_ONLY_FOLDERS
        ):
            continue
        path = os.path.normpath(os.path.join(entry["directory"], entry["file"]))
        if path.startswith(build + os.sep):
            source = generated_source(os.path.relpath(path, build))
            if source is None:
                unknown.append(os.path.relpath(path, build))
                continue
        else:
            source = os.path.relpath(path, ROOT)
        sources.setdefault(source, target)
        dirs = include_dirs.setdefault(source, [])
        for i, arg in enumerate(args):
            value = None
            if arg in ("-I", "-iquote", "-isystem") and i + 1 < len(args):
                value = args[i + 1]
            elif arg.startswith("-I") or arg.startswith("-iquote"):
                value = arg[2:] if arg.startswith("-I") else arg[len("-iquote"):]
            if value:
                value = os.path.normpath(os.path.join(entry["directory"], value))
                inside = value == ROOT or value.startswith(ROOT + os.sep)
                if inside and not (value == build or value.startswith(build + os.sep)):
                    dirs.append(value)
    if unknown:
        fail_to_run("generated sources with no .proto found: " + ", ".join(unknown))
    return sources, include_dirs


def bazel_sources(bazel):
    """Every source file of the tree that //... in bazel-compat/ depends on."""
    query = 'kind("source file", deps(//...))'
    run = subprocess.run(
        [bazel, "query", "--noimplicit_deps", "--output=label", query],
        cwd=BAZEL_WORKSPACE,
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        fail_to_run("bazel query failed:\n" + run.stderr)
    sources = set()
    for label in run.stdout.split():
        if not label.startswith(BAZEL_REPO + "//"):
            continue
        package, _, name = label[len(BAZEL_REPO) + 2 :].partition(":")
        sources.add(os.path.join(package, name))
    return sources


def included_headers(sources, include_dirs):
    """Project headers reached by quoted #includes from sources: {header: a source}."""
    reached = {}
    for source in sources:
        if not source.endswith(".cc"):
            continue
        dirs = include_dirs[source]
        stack = [os.path.join(ROOT, source)]
        seen = set()
        while stack:
            path = stack.pop()
            if path in seen:
                continue
            seen.add(path)
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    text = f.read()
            except OSError:
                continue
            for name in INCLUDE.findall(text):
                for folder in [os.path.dirname(path)] + dirs:
                    candidate = os.path.normpath(os.path.join(folder, name))
                    if os.path.isfile(candidate):
                        reached.setdefault(os.path.relpath(candidate, ROOT), source)
                        stack.append(candidate)
                        break
    return reached


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--compile-commands", help="CMake's compile_commands.json")
    parser.add_argument("--bazel", default=shutil.which("bazel"), help="the bazel binary")
    options = parser.parse_args()
    if not options.bazel:
        fail_to_run("no bazel on PATH (deploy/setup.sh installs bazel-bootstrap)")

    compile_commands, scratch = compile_commands_path(options.compile_commands)
    try:
        cmake, include_dirs = cmake_sources(compile_commands)
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
    bazel = bazel_sources(options.bazel)
    bazel_compiled = {s for s in bazel if s.endswith(COMPILED)} - set(BAZEL_ONLY)
    bazel_headers = {s for s in bazel if s.endswith(HEADERS)}

    problems = []
    for source in sorted(set(cmake) - bazel_compiled):
        problems.append(
            "%s: built by CMake (target %s), not by Bazel: add it to bazel-compat/cti.BUILD, "
            "or to CMAKE_ONLY_* in bazel-compat/check_sources.py with the reason"
            % (source, cmake[source])
        )
    for source in sorted(bazel_compiled - set(cmake)):
        problems.append(
            "%s: built by Bazel, not by CMake: remove it from bazel-compat/cti.BUILD, "
            "or add it to a CMakeLists.txt" % source
        )
    reached = included_headers(cmake, include_dirs)
    for header in sorted(set(reached) - bazel_headers):
        problems.append(
            "%s: included by %s (CMake), not declared to Bazel: add it to the hdrs of a "
            "target in bazel-compat/cti.BUILD" % (header, reached[header])
        )
    for header in sorted(bazel_headers - set(reached)):
        print("note: %s is declared to Bazel but no shared source includes it" % header)

    for problem in problems:
        print("check_sources: " + problem)
    compiled = len(set(cmake))
    if problems:
        print("check_sources: FAILED, %d difference(s)" % len(problems))
        return 1
    print(
        "check_sources: CMake and Bazel build the same %d sources (.cc, .proto) for ctid, "
        "ctictl and the unit tests; all %d headers they include are declared to Bazel"
        % (compiled, len(reached))
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
