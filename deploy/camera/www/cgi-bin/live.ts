#!/bin/sh
# One client of the camera: the clip, looped, released in real time (-re), copied without
# re-encoding into an MPEG-TS written to this HTTP response. When the client goes, FFmpeg's next
# write fails and it exits.
clip=/srv/camera/clip.mp4
# An MPEG-4 Part 2 clip keeps its stream header (VOL) out of band in MP4; a reader joining a TS
# needs it in band, before each key frame (H.264 and HEVC get theirs from FFmpeg by itself).
bsf=""
if [ "$(ffprobe -v error -select_streams v:0 -show_entries stream=codec_name -of csv=p=0 "$clip")" = mpeg4 ]; then
  bsf="-bsf:v dump_extra"
fi
printf 'Content-Type: video/mp2t\r\nCache-Control: no-cache\r\n\r\n'
# shellcheck disable=SC2086 # $bsf is empty or two words
exec ffmpeg -hide_banner -loglevel error -nostdin -re -stream_loop -1 -i "$clip" \
  -map 0:v:0 -c copy $bsf -f mpegts pipe:1
