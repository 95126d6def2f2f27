#!/usr/bin/env bash
# Video in at FFmpeg's speed: vigil's decoding + preprocessing against the FFmpeg command line (the
# binary of the FFmpeg build vigil decodes with), side by side: one stream, 16 files offline, and
# the number of real-time 1080p30 H.264 streams each holds, with LeNet-5 and with an AlexNet-class
# network (then where the time goes). Prints its figures.
# Usage: bench/video/run.sh [realtime [SECONDS [lenet|alexnet]]]   (from the repository root;
#        default: every row, 20 s per real-time trial)
#        bench/video/run.sh one                     (the one-stream rows only)
#        bench/video/run.sh clips                   (only make the clips)
#        bench/video/run.sh streams [N [FPS [SECONDS [FILE]]]]  (N paced streams, more than the
#        cores decode: default 40 x vtest.avi at 30 fps for 20 s)
# Needs opencv-doc (vtest.avi) and Debian's ffmpeg (libx264, libx265) to make the clips, once, under
# target/bench-clips.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" # as the launcher runs vigil
clips=target/bench-clips
vtest=/usr/share/doc/opencv-doc/examples/data/vtest.avi
mkdir -p "$clips"
make_clip() { # make NAME FFMPEG-ARGS...: one clip, unless it is there
  local name=$1; shift
  [ -f "$clips/$name" ] && return
  echo "making $clips/$name ..." >&2
  ffmpeg -nostdin -v error -y "$@" "$clips/partial-$name" && mv "$clips/partial-$name" "$clips/$name"
}
h264=(-c:v libx264 -preset veryfast -pix_fmt yuv420p -an)
make_clip vtest-x4.avi -stream_loop 3 -i "$vtest" -c copy
make_clip h264-1080p-x4.mp4 -stream_loop 3 -i "$vtest" -vf scale=1920:1080 "${h264[@]}"
make_clip h264-720p-x4.mp4 -stream_loop 3 -i "$vtest" -vf scale=1280:720 "${h264[@]}"
make_clip h265-1080p.mp4 -i "$vtest" -vf scale=1920:1080 -c:v libx265 -preset veryfast \
  -x265-params log-level=error -pix_fmt yuv420p -tag:v hvc1 -an
make_clip h264-1080p.mp4 -i "$vtest" -vf scale=1920:1080,setpts=N/30/TB -r 30 "${h264[@]}"
make_clip h264-1080p-240.mp4 -i "$vtest" -frames:v 240 -vf scale=1920:1080 "${h264[@]}"
for kind in vtest 1080p; do
  mkdir -p "$clips/offline-$kind"
  src=$([ $kind = vtest ] && echo "$vtest" || echo "$PWD/$clips/h264-1080p-240.mp4")
  ext=${src##*.}
  for i in $(seq -w 1 16); do ln -sf "$src" "$clips/offline-$kind/$kind-$i.$ext"; done
done
[ "${1:-}" = clips ] && exit 0
mvn -B -q -o -pl pipeline -am test-compile -Dspotless.check.skip=true
mvn -B -q -o -pl pipeline dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt \
  -Dmdep.includeScope=test >/dev/null
cp="pipeline/target/test-classes:pipeline/target/classes:onnx/target/classes:engine/target/classes"
cp="$cp:opencl-kernels/target/classes:$(cat pipeline/target/bench-classpath.txt)"
java=(java -Xmx4g --add-modules jdk.incubator.vector -cp "$cp")
if [ "${1:-}" = streams ]; then
  shift
  exec "${java[@]}" io.vigil.pipeline.bench.ManyStreamsBench "$@"
fi
exec "${java[@]}" io.vigil.pipeline.bench.VideoInBench "$clips" "$@"
