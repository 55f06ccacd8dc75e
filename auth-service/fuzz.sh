#!/usr/bin/env bash
# Coverage-guided fuzzing of one target for a while (docs/testing.md, "Fuzz tests").
#   auth-service/fuzz.sh TokenVerifierFuzzTest#signedSegments 300
# Targets: TokenVerifierFuzzTest#signedSegments, TokenVerifierFuzzTest#rawToken,
#          OAuthFormFuzzTest#parse, ClientAuthenticatorFuzzTest#basic, AdminJsonFuzzTest#newUser
# A finding fails the run and is written next to the seeds under src/test/resources/…Inputs/,
# so the regular build replays it from then on; the growing corpus stays in .cifuzz-corpus/.
set -euo pipefail
target=${1:?target, e.g. TokenVerifierFuzzTest#signedSegments}
seconds=${2:-300}
cd "$(dirname "$0")/.."
# -max_total_time given here wins over the @FuzzTest(maxDuration) of the source (jazzer.internal.arg.*
# is how jazzer-junit 0.24 passes libFuzzer flags); jazzer.instrument widens coverage feedback from
# the test's package to our code and the parsers it hands input to.
# (java.* — Base64, URLDecoder — cannot be instrumented: the Basic target gets feedback from our code only.)
JAZZER_FUZZ=1 exec ./mvnw -pl auth-service -am ${MVN_GOAL:-test} -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
  -Djazzer.internal.arg.0=fake_argv0 -Djazzer.internal.arg.1=-max_total_time="$seconds" \
  '-Djazzer.instrument=dev.gatehouse.**,io.jsonwebtoken.**,tools.jackson.**,com.fasterxml.jackson.**,io.netty.handler.codec.http.QueryStringDecoder*'
