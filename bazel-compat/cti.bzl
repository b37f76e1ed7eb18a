"""What every target of cti.BUILD shares: warnings, the test macro, runfiles paths.

Mirrors the top-level CMakeLists.txt: cti_warnings and cti_add_test.
"""

# cti_warnings (CMakeLists.txt): for our own code only; generated protobuf code is
# compiled without them. -Werror unless --define=cti_werror=off (CMake: -DCTI_WERROR=OFF).
CTI_WARNINGS = [
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Wshadow",
    "-Wnon-virtual-dtor",
    "-Wold-style-cast",
    "-Wcast-align",
    "-Wunused",
    "-Woverloaded-virtual",
    "-Wnull-dereference",
    "-Wimplicit-fallthrough",
]

def cti_copts(extra = []):
    """Our warnings, -Werror unless switched off, then extra (e.g. a -Wno-...)."""
    return CTI_WARNINGS + select({
        "@//:no_werror": [],
        "//conditions:default": ["-Werror"],
    }) + extra

def runfiles_path(path = ""):
    """path (relative to the source tree) as a test finds it from its working directory.

    A test runs in the runfiles folder of the main repository; this repository's files
    are at ../<its name>/. Files can use $(rootpath) instead; this is for folders.
    """
    repo = native.repository_name().lstrip("@")
    base = "../" + repo if repo else "."
    return base + "/" + path if path else base

def define_string(name, value):
    """A copt defining the C string macro name as value."""
    return '-D%s=\\"%s\\"' % (name, value)

def cti_test(name, srcs, deps = [], copts = [], labels = [], **kwargs):
    """One GoogleTest executable per test file, as cti_add_test does.

    CMake gives each test case 120 s (TIMEOUT); Bazel times the whole executable, so
    size "medium" (300 s) unless given. LABELS become tags (bazel test
    --test_tag_filters=clients). Linked statically, as CMake links its static libraries:
    a cc_test's default (shared libraries of every dependency) would compile every
    library a second time, position-independent, for the tests alone.
    """
    native.cc_test(
        name = name,
        srcs = srcs,
        deps = deps + ["@cti_deps//:gtest_main"],
        copts = cti_copts(copts),
        linkstatic = True,
        size = kwargs.pop("size", "medium"),
        tags = labels + kwargs.pop("tags", []),
        **kwargs
    )
