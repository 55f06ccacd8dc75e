#!/usr/bin/env python3
"""Who owns the server's CPU, from async-profiler's collapsed stacks (run.sh with PROFILER=async).

Each sample has one owner, so the shares add up to 100 % and, unlike JFR's execution samples,
include the kernel (socket reads and writes), the JIT compiler and the garbage collector. Usage: cpu-owners.py FILE.collapsed..."""
import collections
import sys

# Threads of the JVM itself, recognised anywhere in the stack.
JVM_THREADS = [
    ("JIT compiler", ("CompileBroker", "C2Compiler")),
    ("garbage collector", ("GCTaskThread", "PSPromotion", "PSScavenge", "ParallelScavenge", "G1")),
]
# For the rest, the deepest frame that names an owner wins; a sample whose leaf is in the kernel
# counts as kernel time, whoever made the system call.
OWNERS = [
    ("JSON (Jackson)", ("tools/jackson/", "com/fasterxml/jackson/", "AbstractJacksonEncoder")),
    ("form parsing", ("FormHttpMessageReader", "initFormData", "URLDecoder")),
    ("client authentication", ("ClientAuthenticator", "SecretDigest", "bcrypt")),
    ("JWT build/parse (jjwt)", ("io/jsonwebtoken/",)),
    ("signature (ACCP)", ("com/amazon/corretto/", "libamazonCorrettoCryptoProvider", "ecp_nistz256")),
    ("metrics (Micrometer)", ("io/micrometer/",)),
    ("Redis client (Lettuce)", ("io/lettuce/",)),
    ("connection pool (reactor-pool)", ("reactor/pool/",)),
    ("HTTP encode and write", ("HttpObjectEncoder", "HttpServerOperations.send", "flush0", "ChannelOutboundBuffer")),
    ("HTTP decode", ("HttpObjectDecoder", "HttpServerCodec")),
    ("WebFlux exchange and dispatch", ("org/springframework/web/", "org/springframework/http/")),
    ("Gatehouse code", ("dev/gatehouse/",)),
    ("Reactor operators", ("reactor/core/",)),
    ("Netty event loop", ("io/netty/",)),
]


def owner(frames):
    for name, keys in JVM_THREADS:
        if any(key in frame for frame in frames for key in keys):
            return name
    if frames[-1].endswith("_[k]"):
        return "kernel (sockets, epoll, scheduling)"
    for frame in reversed(frames):
        for name, keys in OWNERS:
            if any(key in frame for key in keys):
                return name
    return "other (JVM runtime, JDK)"


for path in sys.argv[1:]:
    shares, total = collections.Counter(), 0
    with open(path) as collapsed:
        for line in collapsed:
            stack, _, count = line.rstrip().rpartition(" ")
            shares[owner(stack.split(";"))] += int(count)
            total += int(count)
    print(f"{path}: {total} samples")
    for name, count in shares.most_common():
        print(f"  {100 * count / total:5.1f} %  {name}")
