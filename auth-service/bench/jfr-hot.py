#!/usr/bin/env python3
"""Where the server's CPU went, from a JFR recording: the hottest frames (self time) and the share
of execution samples whose stack contains a given area (inclusive). Usage: jfr-hot.py REC.jfr"""
import collections
import json
import subprocess
import sys

# JFR writes type names with slashes.
AREAS = {
    "EC P-256 math, all (SunEC)": ("sun/security/ec/", "sun/security/util/math/"),
    "  ECDSA sign (token issue)": ("sun/security/ec/ECDSASignature.engineSign",),
    "  ECDSA verify (first sight of a token)": ("sun/security/ec/ECDSASignature.engineVerify",),
    "signature, ACCP (Java side only: JFR does not sample its native code)": ("com/amazon/corretto/",),
    "bcrypt": ("org/springframework/security/crypto/bcrypt/",),
    "jjwt parse/build": ("io/jsonwebtoken/",),
    "Lettuce (Redis client)": ("io/lettuce/",),
    "reactor-pool": ("reactor/pool/",),
    "Netty (HTTP server + Redis socket; every request runs on its threads)": ("io/netty/",),
    "Reactor operators": ("reactor/core/",),
    "Spring WebFlux dispatch": ("org/springframework/web/", "org/springframework/http/"),
    "Jackson (JSON)": ("tools/jackson/", "com/fasterxml/jackson/"),
    "Micrometer observation/metrics": ("io/micrometer/",),
    "our code (dev.gatehouse)": ("dev/gatehouse/",),
}

recording = sys.argv[1]
out = subprocess.run(["jfr", "print", "--json", "--stack-depth", "200", "--events", "jdk.ExecutionSample", recording],
                     capture_output=True, text=True, check=True).stdout
events = json.loads(out)["recording"]["events"]
self_counts = collections.Counter()
area_counts = collections.Counter()
self_areas = collections.Counter()
for event in events:
    frames = event["values"]["stackTrace"]["frames"] if event["values"].get("stackTrace") else []
    if not frames:
        continue
    top = frames[0]["method"]
    self_counts[top["type"]["name"] + "." + top["name"]] += 1
    names = [f["method"]["type"]["name"] + "." + f["method"]["name"] for f in frames]
    for area, prefixes in AREAS.items():
        if any(n.startswith(prefixes) for n in names):
            area_counts[area] += 1
    leaf = names[0]
    self_areas[next((area for area, prefixes in AREAS.items() if leaf.startswith(prefixes)),
                    "other (JDK collections, strings, GC barriers, kernel I/O...)")] += 1
total = max(1, sum(self_counts.values()))
print(f"{total} execution samples")
print("\nInclusive share by area (a sample counts for every area on its stack):")
for area, n in area_counts.most_common():
    print(f"  {100.0 * n / total:5.1f} %  {area}")
print("\nSelf time by area (where the leaf frame is):")
for area, n in self_areas.most_common():
    print(f"  {100.0 * n / total:5.1f} %  {area.strip()}")
print("\nHottest frames (self):")
for frame, n in self_counts.most_common(15):
    print(f"  {100.0 * n / total:5.1f} %  {frame}")
