#!/bin/bash
# test_kiosk_x11.sh - the kiosk in a real window: Xvfb on a free display,
# `seuil --windowed` in its interactive loop (not --script) with the PN532
# emulator as reader and the simulated door, on the sample directory; real
# clicks and keys from xdotool, real badges from `seuilctl sim tap`.  What
# happened is read from the journal, the door's log, seuil's log (its
# "frame presented" debug lines when it writes them) and a few pixels of
# screenshots of the X screen, kept in BUILD_DIR/kiosk-x11/ to look at.
# Skips (and says so) without Xvfb, xdotool or ImageMagick: dist/install-deps
# installs them.
# usage: test_kiosk_x11.sh [BUILD_DIR]
set -u
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
expect() { if "$@"; then ok "$what"; else not_ok "$what"; fi; }

for tool in Xvfb xdotool import convert; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "skip - no $tool (dist/install-deps installs xvfb, xdotool and imagemagick)"
		echo "0 passed, 0 failed"
		exit 0
	fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-x11.XXXXXX")
shots=$build/kiosk-x11
mkdir -p "$shots"
rm -f "$shots"/*.png
xvfb_pid=
sim_pid=
seuil_pid=
cleanup() {
	for p in "$seuil_pid" "$sim_pid" "$xvfb_pid"; do
		[ -n "$p" ] && kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
export SEUIL_DB="$tmp/seuil.db"
export SEUIL_READER_CONTROL="$tmp/reader.sock"
unset SDL_VIDEODRIVER
if ldd "$build/seuil" 2>/dev/null | grep -q libasan; then
	# libdbus keeps what SDL's D-Bus link allocated, and Mesa's GL (which SDL
	# uses for the window under X) leaks from libraries it has unloaded, with
	# no names to suppress: the sanitized run draws with SDL's software
	# renderer straight to X, and only our own leaks count
	echo "# sanitized build: SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0, libdbus leaks suppressed"
	export SDL_RENDER_DRIVER=software SDL_FRAMEBUFFER_ACCELERATION=0
	printf 'leak:libdbus-1.so\n' >"$tmp/lsan.supp"
	export LSAN_OPTIONS="suppressions=$tmp/lsan.supp:print_suppressions=0${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
fi
ctl="$build/seuilctl"
log=$tmp/seuil.log

# wait_for FILE PATTERN SECONDS [FROM_LINE]: true when PATTERN shows up after FROM_LINE
wait_for() {
	local file=$1 pattern=$2 limit=$3 from=${4:-0} t=0
	while [ "$t" -lt $((limit * 20)) ]; do
		if [ -f "$file" ] && tail -n +$((from + 1)) "$file" | grep -q -- "$pattern"; then return 0; fi
		sleep 0.05
		t=$((t + 1))
	done
	return 1
}
lines() { [ -f "$1" ] && wc -l <"$1" || echo 0; }
last_reason() { "$ctl" events | grep '"kind":"decision"' | tail -n 1 | sed 's/.*"reason":"\([a-z_]*\)".*/\1/'; }

# pixels NAME X,Y...: screenshot of the whole X screen as NAME.png, and the
# colours (RRGGBB) at those points, space-separated
pixels() {
	local name=$1 fmt="" p
	shift
	import -silent -window root "$shots/$name.png" 2>/dev/null || return 1
	for p in "$@"; do fmt="$fmt%[hex:p{$p}] "; done
	convert "$shots/$name.png" -format "$fmt" info: 2>/dev/null | sed 's/ *$//'
}
# until_pixels NAME SECONDS "EXPECTED" X,Y...: screenshots until the colours are EXPECTED
until_pixels() {
	local name=$1 limit=$2 want=$3 t=0 got
	shift 3
	while [ "$t" -lt $((limit * 5)) ]; do
		got=$(pixels "$name" "$@")
		[ "$got" = "$want" ] && return 0
		sleep 0.2
		t=$((t + 1))
	done
	echo "    $name: got \"$got\", wanted \"$want\"" >&2
	return 1
}
# frames_logged: seuil writes "frame presented: SCREEN, LANG" at debug level
frames_logged() { grep -q "frame presented" "$log"; }
# frame_after LINE "SCREEN, LANG" WHAT: that frame was presented after LINE of the log
frame_after() {
	if ! frames_logged; then
		echo "skip - $3 (this seuil logs no \"frame presented\" lines)"
	elif wait_for "$log" "frame presented: $2" 3 "$1"; then
		ok "$3"
	else
		not_ok "$3"
	fi
}
click() { xdotool mousemove --sync "$1" "$2" click 1; }

# colours of screens.h, and points inside the boxes of ui_types.h
NAVY=10243E WHITE=FFFFFF AMBER=FFC845 GREEN=0E5A2B RED=8A1C1C
FR=1070,30 EN=1166,30       # inside UI_HOME_LANG_FR / _EN, off their labels
VISITOR=60,400              # inside UI_HOME_VISITOR
CORNER=20,20                # a result's background

"$ctl" init >/dev/null && "$ctl" import "$top/dist/examples/directory.json" >/dev/null ||
	{ echo "setup failed"; exit 1; }

# Xvfb picks a free display and writes its number on fd 3
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$tmp/display" ] && break; sleep 0.05; done
if [ ! -s "$tmp/display" ]; then
	echo "Xvfb did not start"
	cat "$tmp/xvfb.log"
	exit 1
fi
export DISPLAY=:$(head -n 1 "$tmp/display")
ok "Xvfb on $DISPLAY"

"$build/pn532-sim" --link "$tmp/pn532" --control "$tmp/reader.sock" 2>"$tmp/sim.log" &
sim_pid=$!
for _ in $(seq 100); do [ -S "$tmp/reader.sock" ] && [ -e "$tmp/pn532" ] && break; sleep 0.05; done
cat >"$tmp/seuil.conf" <<EOF2
[device]
door = entree
[reader]
connstring = pn532_uart:$tmp/pn532
[door]
backend = sim
[sim]
log = $tmp/door.log
control = $tmp/door.sock
[kiosk]
demo_keys = true
EOF2
"$build/seuil" --windowed --verbose --config "$tmp/seuil.conf" 2>"$log" &
seuil_pid=$!

what="seuil opens its screen"; expect wait_for "$log" "screen ready" 20
if ! kill -0 "$seuil_pid" 2>/dev/null; then
	wait "$seuil_pid"
	echo "seuil exited ($?):"
	tail -n 20 "$log"
	seuil_pid=
	echo "$passed passed, $((failed + 1)) failed"
	exit 1
fi
what="seuil connects to the emulated reader"; expect wait_for "$log" "reader connected" 10
wid=$(timeout 10 xdotool search --sync --class seuil 2>/dev/null | head -n 1)
what="a window of class seuil is mapped"; expect test -n "$wid"
geom=$([ -n "$wid" ] && timeout 5 xdotool getwindowgeometry "$wid" 2>/dev/null | awk '/Geometry:/ { print $2 }')
what="the window is 1280x800 (got $geom)"; expect test "$geom" = 1280x800

what="home in French: FR selected, EN not, the visitor button"
expect until_pixels home-fr 10 "$WHITE $NAVY $AMBER" $FR $EN $VISITOR

n=$(lines "$log")
click 1204 56
what="a click on EN: English selected"; expect until_pixels home-en 3 "$NAVY $WHITE $AMBER" $FR $EN $VISITOR
frame_after "$n" "home, en" "a click on EN: the frame logged as home in English"
click 1108 56
what="a click on FR: French again"; expect until_pixels home-fr-again 3 "$WHITE $NAVY" $FR $EN

n=$(lines "$log")
click 328 467
what="a click on the visitor button leaves home"; expect until_pixels visitor 3 "$NAVY" $VISITOR
frame_after "$n" "checkin" "a click on the visitor button: the frame logged as the check-in screen"
if grep -q "screen: " "$log"; then
	what="a click on the visitor button: seuil logs home -> checkin"; expect wait_for "$log" "screen: home -> checkin" 3 "$n"
else
	echo "skip - a click on the visitor button: the screen change logged (this seuil logs no \"screen:\" lines)"
fi

# a badge is answered on every screen, the visitor's too
n=$(lines "$tmp/door.log")
"$ctl" sim tap 04DEADBEEF0042 --hold 300 >/dev/null
what="Sacha's staff badge: the green result"; expect until_pixels sacha-granted 3 "$GREEN" $CORNER
what="Sacha's staff badge: journaled granted"; expect test "$(last_reason)" = granted
what="Sacha's staff badge: the door opened"; expect wait_for "$tmp/door.log" "relay on" 2 "$n"
click 480 664 # UI_RESULT_BACK2: a staff member's result has Back and Staff mode
what="Back on the result: home again"; expect until_pixels home-after-back 3 "$AMBER" $VISITOR

n=$(lines "$tmp/door.log")
"$ctl" sim tap 04C0FFEE123456 --hold 300 >/dev/null
what="Léa's lost badge: the red result"; expect until_pixels lost-refused 3 "$RED" $CORNER
what="Léa's lost badge: journaled credential_lost"; expect test "$(last_reason)" = credential_lost
what="Léa's lost badge: the door stayed shut"; expect test "$(tail -n +$((n + 1)) "$tmp/door.log" | grep -c 'relay on')" = 0
click 640 664 # UI_RESULT_OK
what="Back on the refusal: home again"; expect until_pixels home-after-refusal 3 "$AMBER" $VISITOR

"$ctl" sim tap DEADBEEF --hold 300 >/dev/null
what="an unknown card: the red result"; expect until_pixels unknown-refused 3 "$RED" $CORNER
xdotool key Escape
what="Escape on the result: home again"; expect until_pixels home-after-escape 3 "$AMBER" $VISITOR

# the demo's keys (demo_keys): F4 is the sample's unknown card
xdotool key F4
what="F4 (demo keys): the unknown card's red result"; expect until_pixels f4-unknown 3 "$RED" $CORNER
sleep 0.2
what="F4 (demo keys): journaled unknown_credential"; expect test "$(last_reason)" = unknown_credential
xdotool key Escape
what="Escape: home again"; expect until_pixels home-after-f4 3 "$AMBER" $VISITOR

# Camille's badge depends on the hour (office hours); either way the result leaves by itself
"$ctl" sim tap 04A1B2C3D4E5F6 --hold 300 >/dev/null
reason=$(sleep 0.3; last_reason)
[ "$reason" = granted ] && colour=$GREEN || colour=$RED
what="Camille's badge ($reason): its result"; expect until_pixels camille 3 "$colour" $CORNER
what="the result goes home by itself after 6 s"; expect until_pixels home-by-itself 10 "$AMBER" $VISITOR

# idle: the loop sleeps (the clock redraws once a minute)
t0=$(awk '{ print $14 + $15 }' "/proc/$seuil_pid/stat")
sleep 3
t1=$(awk '{ print $14 + $15 }' "/proc/$seuil_pid/stat")
ticks=$((t1 - t0))
what="idle in the window: $ticks ticks of CPU in 3 s (under 5 %)"
expect test $((ticks * 100)) -lt $((5 * 3 * $(getconf CLK_TCK)))

kill -TERM "$seuil_pid"
wait "$seuil_pid"
rc=$?
seuil_pid=
what="SIGTERM: seuil stops cleanly (exit $rc)"; expect test "$rc" = 0
what="SIGTERM: the door is left locked"; expect grep -q "stopping: door locked" "$log"
what="no sanitizer report in seuil's log"; expect test "$(grep -c -E 'AddressSanitizer|LeakSanitizer|runtime error' "$log")" = 0
[ "$failed" -gt 0 ] && { echo "--- seuil's log:"; tail -n 30 "$log"; }
echo "screenshots in $shots"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
