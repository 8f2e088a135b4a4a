#!/usr/bin/env bash
# Fuzzes a decoder with libFuzzer, AddressSanitizer and leak detection:
#   http  the HTTP request decoder (Shared/HTTP)
#   sync  the consumer's message decoder: envelopes and LIMS legacy messages, timestamps, and
#         the batch planning that follows (Shared/ImageModel, Shared/JSON)
#
# Usage: scripts/fuzz.sh http|sync [runs]   (default 1000000)
#        FUZZ_SECONDS=30 scripts/fuzz.sh sync   stops after 30 s instead (what CI runs)
# Exits non-zero on a crash, a leak, a timeout or a failed invariant; the failing input is
# saved as .build-fuzz/<target>-crash-* (or leak-*, timeout-*) for replay:
# .build-fuzz/<target>-fuzzer FILE
set -euo pipefail

cd "$(dirname "$0")/.."
target="${1:?usage: scripts/fuzz.sh http|sync [runs]}"
runs="${2:-1000000}"
out=.build-fuzz
mkdir -p "$out"
flags=(-O -g -sanitize=fuzzer,address -parse-as-library)

corpus="$(mktemp -d)"
trap 'rm -rf "$corpus"' EXIT
seed() { printf '%b' "$2" > "$corpus/$1"; }

case "$target" in
http)
    # The decoder and its value types only: they need nothing but the standard library.
    sources=()
    for name in ASCII ChunkSizeLine FramingFields HTTPDecoder HTTPError HTTPHeadParser HTTPHeaders \
                HTTPLimits HTTPMethod HTTPRequest HTTPStatus HTTPVersion; do
        sources+=("Shared/HTTP/$name.swift")
    done
    swiftc "${flags[@]}" "${sources[@]}" Tests/Fuzz/HTTPDecoderFuzzer.swift -o "$out/http-fuzzer"
    # The first byte of each seed picks where the fuzzer splits the rest.
    seed get '\x40GET /ping HTTP/1.1\r\nHost: h\r\n\r\n'
    seed pipelined '\x80GET /a?x=1 HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n'
    seed length '\x20POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello'
    seed chunked '\xa0PUT /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n0\r\nT: v\r\n\r\n'
    seed continue '\x10POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok'
    seed old '\x60GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n'
    seed options '\x70OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n'
    max_len=2048
    ;;
sync)
    # Two modules, as the package builds them (ImageModel imports JSON).
    for module in JSON ImageModel; do
        mapfile -t sources < <(find "Shared/$module" -name '*.swift' | sort)
        swiftc "${flags[@]}" -I "$out" -module-name "$module" -emit-module -emit-module-path "$out/$module.swiftmodule" \
            -emit-library -static -o "$out/lib$module.a" "${sources[@]}"
    done
    swiftc "${flags[@]}" -I "$out" Tests/Fuzz/SyncDecoderFuzzer.swift "$out/libImageModel.a" "$out/libJSON.a" \
        -o "$out/sync-fuzzer"
    # Real messages: byte 0 picks the topic's plant (0 potato, 1 tomato, 2 pepper), bytes 1-8
    # are the producer timestamp, the rest the value.
    ts='\x00\x00\x01\x9a\xb5\x1c\x3f\x20'
    seed create "\x01$ts"'{"schema_version":1,"event_id":"tomato-7-1","op":"create","plant":"tomato","image_id":7,"version":1,"occurred_at":1763906400123456,"payload":{"id":7,"camera_id":2,"data":"ffd8ffe000104a464946ffd9","gps_coordinates":[52.1,-4.25],"created_at":"2026-11-23T14:00:00.123000","updated_at":null,"is_active":true,"is_deleted":false,"disease":null,"percentage":null}}'
    seed update "\x01$ts"'{"schema_version":1,"event_id":"tomato-7-3","op":"update","plant":"tomato","image_id":7,"version":3,"occurred_at":1763906400123456,"payload":{"disease":"Leaf Mold","percentage":0.91,"updated_at":"2026-11-23T14:00:00.123000"}}'
    seed delete "\x00$ts"'{"schema_version":1,"event_id":"potato-9-2","op":"delete","plant":"potato","image_id":9,"version":2,"occurred_at":1763906400123456,"payload":{"is_deleted":true,"is_active":false,"updated_at":"2026-11-23T14:00:01Z"}}'
    seed gps "\x02$ts"'{"schema_version":1,"event_id":"pepper-3-4","op":"update","plant":"pepper","image_id":3,"version":4,"occurred_at":1,"payload":{"camera_id":12,"gps_coordinates":[-90,180.0],"updated_at":"2026-01-01T00:00:00.5+00:00"}}'
    # Schema 2: the JPEG after a NUL byte (which holds NULs of its own), unknown members ignored.
    seed create2 "\x01$ts"'{"schema_version":2,"event_id":"tomato-7-1","op":"create","plant":"tomato","image_id":7,"version":1,"occurred_at":1763906400123456,"payload":{"id":7,"camera_id":2,"data_bytes":6,"gps_coordinates":[52.1,-4.25],"created_at":"2026-11-23T14:00:00.123000","updated_at":null,"is_active":true,"is_deleted":false,"disease":null,"percentage":null,"added_later":[1]}}\x00\xff\xd8\x00\x00\xff\xd9'
    seed repair2 "\x02$ts"'{"schema_version":2,"event_id":"pepper-3-9","op":"repair","plant":"pepper","image_id":3,"version":9,"occurred_at":1,"payload":{"id":3,"camera_id":1,"data_bytes":2,"gps_coordinates":[0,0],"created_at":"2026-11-23T14:00:00","updated_at":"2026-11-24T14:00:00","is_active":false,"is_deleted":true,"disease":"Healthy","percentage":0}}\x00\xff\xd8'
    seed update2 "\x00$ts"'{"schema_version":2,"trace":"x","event_id":"potato-9-3","op":"update","plant":"potato","image_id":9,"version":3,"occurred_at":1763906400123456,"payload":{"is_active":true,"updated_at":"2026-11-23T14:00:01"}}'
    seed purge2 "\x00$ts"'{"schema_version":2,"event_id":"potato-9000000-0","op":"purge","plant":"potato","image_id":9000000,"version":0,"occurred_at":1,"payload":{"version":4}}'
    seed legacy "\x00$ts"'{"_id":{"$oid":"6523"},"id":12,"camera_id":3,"data":"ffd8ffd9","gps_coordinates":[48.85,2.35],"created_at":"2023-10-08T15:39:49.123000","updated_at":"2023-10-09T08:00:00","is_active":true,"is_deleted":false,"disease":"Early Blight","percentage":0.8}'
    seed escaped "\x02$ts"'{"id":1,"camera_id":1,"data":"FFD8","gps_coordinates":[0,0],"created_at":"0001-01-01T00:00:00","updated_at":null,"is_active":false,"is_deleted":true,"disease":"caf\\u00e9 \\ud83c\\udf45","percentage":1e-3}'
    max_len=4096
    ;;
*) echo "unknown fuzz target $target (http or sync)" >&2; exit 2 ;;
esac

limit=(-runs="$runs")
[ -n "${FUZZ_SECONDS:-}" ] && limit=(-max_total_time="$FUZZ_SECONDS")
"$out/$target-fuzzer" "${limit[@]}" -timeout=5 -detect_leaks=1 -max_len="$max_len" \
    -artifact_prefix="$out/$target-" -print_final_stats=1 "$corpus"
