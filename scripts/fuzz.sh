#!/usr/bin/env bash
# Fuzzes the HTTP request decoder (Shared/HTTP) with libFuzzer and AddressSanitizer.
#
# Usage: scripts/fuzz-http.sh [runs]   (default 1000000)
# Exits non-zero on a crash, a leak, a timeout or a failed invariant; the failing input is
# saved as .build-fuzz/crash-* (or leak-*, timeout-*) for replay: .build-fuzz/http-fuzzer FILE
set -euo pipefail

cd "$(dirname "$0")/.."
runs="${1:-1000000}"
out=.build-fuzz
mkdir -p "$out"

# The decoder and its value types only: they need nothing but the standard library.
sources=()
for name in ASCII ChunkSizeLine FramingFields HTTPDecoder HTTPError HTTPHeadParser HTTPHeaders \
            HTTPLimits HTTPMethod HTTPRequest HTTPStatus HTTPVersion; do
    sources+=("Shared/HTTP/$name.swift")
done

swiftc -O -g -sanitize=fuzzer,address -parse-as-library \
    "${sources[@]}" Tests/Fuzz/HTTPDecoderFuzzer.swift -o "$out/http-fuzzer"

# A small seed corpus: the first byte of each seed picks where the fuzzer splits the rest.
corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
seed() { printf '%b' "$2" > "$corpus/$1"; }
seed get '\x40GET /ping HTTP/1.1\r\nHost: h\r\n\r\n'
seed pipelined '\x80GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'
seed length '\x20POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello'
seed chunked '\xa0PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n'
seed continue '\x10POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok'
seed old '\x60GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'
seed options '\x70OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n'

"$out/http-fuzzer" -runs="$runs" -timeout=5 -detect_leaks=1 -max_len=2048 \
    -artifact_prefix="$out/" -print_final_stats=1 "$corpus"
