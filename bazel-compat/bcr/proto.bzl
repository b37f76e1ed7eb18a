"""cti_proto_library over proto_library, cc_proto_library and cc_grpc_library (bzlmod).

Same interface as system/proto.bzl (see there). UNTESTED here: needs the BCR modules
protobuf and grpc (MODULE.bazel).
"""

load("@grpc//bazel:cc_grpc_library.bzl", "cc_grpc_library")
load("@protobuf//bazel:cc_proto_library.bzl", "cc_proto_library")
load("@protobuf//bazel:proto_library.bzl", "proto_library")

def cti_proto_library(name, srcs, proto_root = "", imports = [], grpc = False, deps = [], visibility = None):
    """Generates and compiles srcs; imports is not needed (proto_library deps carry it)."""
    _ignore = imports
    proto_library(
        name = name + "_proto",
        srcs = srcs,
        strip_import_prefix = "/" + proto_root if proto_root else None,
        deps = [d + "_proto" for d in deps] + ["@protobuf//:timestamp_proto"],
        visibility = visibility,
    )
    if grpc:
        cc_grpc_library(
            name = name,
            srcs = [":" + name + "_proto"],
            deps = [":" + name + "_cc_proto"],
            grpc_only = True,
            visibility = visibility,
        )
        cc_proto_library(
            name = name + "_cc_proto",
            deps = [":" + name + "_proto"],
            visibility = visibility,
        )
    else:
        cc_proto_library(
            name = name,
            deps = [":" + name + "_proto"],
            visibility = visibility,
        )
