#!/bin/sh
# Runs the concurrent parts under ThreadSanitizer: the server's inbox (InboxTests: inputs from
# many threads at once) and the end-to-end tests over real sockets (EndToEndTests, NetworkAbuseTests,
# SlowConsumerNetworkTests: NIO event loops, the server and async clients together). Exits
# non-zero if a test fails or TSan reports anything (TSan's exit code is 66).
#
# PARLEY_TSAN turns on the TSan annotations of `Mutex.withTSanVisibleLock`
# (Sources/ParleyCore/Support/Mutex+ThreadSanitizer.swift): on Linux, Synchronization.Mutex
# hands a contended lock over in uninstrumented futex code, so without them TSan reports every
# contended critical section as a race. The Extern feature is for the `@_extern(c)` declarations
# of `__tsan_acquire`/`__tsan_release`; neither flag is used by normal builds.
#
# Own scratch path, so it does not disturb .build; the first run builds the whole package with
# TSan (about 4-5 minutes on 2 cores). Extra arguments go to `swift test`.
set -eu
cd "$(dirname "$0")/.."
exec swift test --scratch-path .build-tsan --sanitize=thread \
    -Xswiftc -DPARLEY_TSAN -Xswiftc -enable-experimental-feature -Xswiftc Extern \
    --filter 'Inbox|EndToEnd|NetworkAbuse|SlowConsumerNetwork' "$@"
