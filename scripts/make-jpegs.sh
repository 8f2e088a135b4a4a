#!/usr/bin/env bash
# Makes the 36 synthetic leaf photos the seeder loads: Shared/SeedData/Resources/jpegs/
# {potato,tomato,pepper}-01.jpg … -12.jpg, 256×256 JPEG, 10–40 KB each, like the
# PlantVillage-style photos LIMS stored (shared/LIMS.md). Real photos are not redistributable
# here, and the sync path only needs realistic sizes and bytes, not real leaves.
#
# How each image is made (ImageMagick 6 `convert`, one call per image):
#   - background: a grey plasma fractal mapped onto soil/bench colours, blurred;
#   - leaf: a grey plasma texture mapped onto the plant's hue (potato mid green, tomato dark blue-green,
#     pepper light yellow-green), with a midrib and side veins drawn on it, cut out by a mask
#     (an ellipse plus a pointed tip, the plant's own proportions) and rotated;
#   - disease: on two images in three, brown spots with yellow halos on the leaf;
#   - finish: light Gaussian noise (camera grain), JPEG quality 88, metadata stripped.
# Deterministic: every random choice comes from a per-image seed, both this script's own
# number generator and ImageMagick's (-seed). Rerunning rewrites byte-identical files (with
# the same ImageMagick version). The files are committed; rerun only to change them.
#
# Usage: scripts/make-jpegs.sh [OUT_DIR]   (default Shared/SeedData/Resources/jpegs)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

OUT_DIR=${1:-$LEAFSYNC_ROOT/Shared/SeedData/Resources/jpegs}
PER_PLANT=12
MIN_BYTES=$((10 * 1024))
MAX_BYTES=$((40 * 1024))

# Some machines have a `convert` stand-in that only converts PNG for viewing.
if ! convert -version 2>/dev/null | grep -q ImageMagick; then apt_install imagemagick; fi
convert -version | grep -q ImageMagick || die "ImageMagick's convert is not on PATH"

# A tiny LCG: bash's $RANDOM sequence is not promised to stay the same across versions.
_rng=1
rng_seed() { _rng=$1; }
rand() { # rand LO HI: an integer in [LO, HI]
  _rng=$(((_rng * 1103515245 + 12345) % 2147483648))
  r=$(($1 + (_rng / 65536) % ($2 - $1 + 1)))
}

# plant → "leaf dark,light colours|vein colour|half-length half-width|seed base"
declare -A PLANT=(
  [potato]="#2f5e1c,#86b450|#b4cf8ccc|92 62|1000"
  [tomato]="#163f22,#4f8a4a|#90b48acc|96 52|2000"
  [pepper]="#4a7e16,#b2d250|#d4e4a0cc|104 40|3000"
)
# Soil, bench and tray colours (dark,light).
BACKGROUNDS=("#4a3a2a,#9a8566" "#4c4c44,#9a9a88" "#5e4a32,#b8a27c")

make_one() {
  local plant=$1 i=$2 out=$3 leaf vein size seedbase rx ry angle cx=128 cy=128
  local midrib side_veins="" spots k x y rad
  IFS='|' read -r leaf vein size seedbase <<<"${PLANT[$plant]}"
  read -r rx ry <<<"$size"
  rng_seed $((seedbase + i))
  rand 0 2; local bg=${BACKGROUNDS[$r]}
  rand -8 8; rx=$((rx + r))
  rand -6 6; ry=$((ry + r))
  rand 0 359; angle=$r

  # Midrib along the leaf's long axis, then pairs of side veins slanting to the tip.
  midrib="line $((cx - rx + 6)),$cy $((cx + rx + 20)),$cy"
  for ((k = -rx + 30; k < rx - 10; k += 26)); do
    x=$((cx + k))
    side_veins+=" line $x,$cy $((x + ry * 2 / 3)),$((cy - ry * 3 / 4))"
    side_veins+=" line $x,$cy $((x + ry * 2 / 3)),$((cy + ry * 3 / 4))"
  done

  # Two images in three are diseased: 4–14 spots, a yellow halo under a brown centre.
  spots=0
  if ((i % 3 != 0)); then rand 4 14; spots=$r; fi
  local halos="" centres="" spot_args=()
  for ((k = 0; k < spots; k++)); do
    rand $((-rx * 7 / 10)) $((rx * 7 / 10)); x=$((cx + r))
    rand $((-ry * 6 / 10)) $((ry * 6 / 10)); y=$((cy + r))
    rand 3 9; rad=$r
    halos+=" circle $x,$y $((x + rad + 3)),$y"
    centres+=" circle $x,$y $((x + rad)),$y"
  done
  [ "$spots" -eq 0 ] || spot_args=(-fill '#c9b84a99' -draw "$halos" -fill '#5a3a1c' -draw "$centres")

  # Background; leaf texture with veins and spots drawn unrotated, then rotated; the mask,
  # rotated alike, that cuts the leaf out of its texture.
  convert -seed $((seedbase + i)) \
    \( -size 256x256 plasma: -modulate 100,0 -blur 0x3 +level-colors "$bg" \) \
    \( -size 256x256 plasma: -modulate 100,0 -blur 0x1.2 +level-colors "$leaf" \
       -stroke "$vein" -fill none -strokewidth 3 -draw "$midrib" \
       -strokewidth 1.2 -draw "$side_veins" -stroke none \
       "${spot_args[@]}" -blur 0x0.6 \
       -virtual-pixel edge -distort SRT "$angle" \) \
    \( -size 256x256 xc:black -fill white -draw "ellipse $cx,$cy $rx,$ry 0,360" \
       -draw "polygon $((cx + rx - 14)),$((cy - ry / 3)) $((cx + rx + 24)),$cy $((cx + rx - 14)),$((cy + ry / 3))" \
       -virtual-pixel black -distort SRT "$angle" -blur 0x1 \) \
    -composite -attenuate 0.5 +noise Gaussian \
    -quality 88 -sampling-factor 4:2:0 -strip "$out"
}

mkdir -p "$OUT_DIR"
bad=0
for plant in potato tomato pepper; do
  for ((i = 1; i <= PER_PLANT; i++)); do
    file=$(printf '%s/%s-%02d.jpg' "$OUT_DIR" "$plant" "$i")
    make_one "$plant" "$i" "$file"
    bytes=$(stat -c %s "$file")
    if ((bytes < MIN_BYTES || bytes > MAX_BYTES)); then
      warn "$(basename "$file"): $bytes bytes, outside $MIN_BYTES–$MAX_BYTES"; bad=1
    fi
    printf '%s %6d bytes\n' "$(basename "$file")" "$bytes"
  done
done
rm -f "$OUT_DIR/.keep"
[ "$bad" -eq 0 ] || die "some images are outside the size range"
log "wrote $((3 * PER_PLANT)) JPEGs to $OUT_DIR"
