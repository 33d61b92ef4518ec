#!/bin/bash
# test_kiosk_script.sh - the kiosk's screens headless: each tests/e2e/*.script
# played by `seuil --script` under SDL_VIDEODRIVER=dummy against the sample
# directory (its rooms given calendars, and bookings around now); every
# `shot NAME` of a script must come out as a 1280x800 PNG.
# usage: test_kiosk_script.sh [BUILD_DIR]
set -u
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kiosk-script.XXXXXX")
# KEEP_SHOTS=DIR keeps the screenshots there, to look at them
trap 'if [ -n "${KEEP_SHOTS:-}" ]; then mkdir -p "$KEEP_SHOTS" && cp -r "$tmp"/shots-* "$KEEP_SHOTS"/; fi; rm -rf "$tmp"' EXIT
export SEUIL_DB="$tmp/seuil.db"
export SDL_VIDEODRIVER=dummy
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }

# png_size FILE: "W H" from the IHDR chunk, or nothing when FILE is no PNG
png_size() {
	local magic
	magic=$(od -A n -t x1 -N 8 "$1" 2>/dev/null | tr -d ' \n')
	[ "$magic" = "89504e470d0a1a0a" ] || return 1
	local w h
	w=$(od -A n -t u1 -j 16 -N 4 "$1" | awk '{ print ($1 * 16777216) + ($2 * 65536) + ($3 * 256) + $4 }')
	h=$(od -A n -t u1 -j 20 -N 4 "$1" | awk '{ print ($1 * 16777216) + ($2 * 65536) + ($3 * 256) + $4 }')
	echo "$w $h"
}

# the sample directory, its rooms given calendars (book now needs a CalDAV
# one; an iCalendar feed and a room without calendar are never offered) and
# two more rooms, so that the rooms board has two pages
python3 - "$top/dist/examples/directory.json" "$tmp/directory.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cal = "https://calendar.invalid/pole/"
for r in d["rooms"]:
    r["calendar"] = cal + r["id"] + "/"
d["rooms"] += [
    {"id": "salle-jardin", "name": "Salle Jardin", "capacity": 6, "doors": ["salles"], "calendar": cal + "jardin.ics", "feed": "ics"},
    {"id": "salle-cave", "name": "Salle Cave", "capacity": 20, "doors": ["salles"]},
]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
if "$build/seuilctl" init >/dev/null && "$build/seuilctl" import "$tmp/directory.json" >/dev/null; then
	ok "sample directory imported"
else
	not_ok "sample directory imported"
fi
# bookings around now: Navale busy (not offered by book now), Estuaire free
# for 40 minutes then booked privately by Scop BTP (30 minutes only),
# Atelier free; tomorrow's in Navale
utc() { date -u -d "@$(($(date +%s) + $1))" +%Y%m%dT%H%M00Z; }
ics() { # uid, from offset s, to offset s, extra lines
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Seuil tests//FR\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%s\r\nDTEND:%s\r\n%bEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"$1" "$(utc "$2")" "$(utc "$3")" "$4"
}
ics ag -1800 3600 'SUMMARY:Assemblée générale\r\n' >"$tmp/navale-1.ics"
ics formation 86400 93600 'SUMMARY:Formation premiers secours\r\n' >"$tmp/navale-2.ics"
ics entretien 2400 6000 'SUMMARY:Entretien\r\nCLASS:PRIVATE\r\nX-SEUIL-TENANT:scop-btp\r\n' >"$tmp/estuaire.ics"
if "$build/seuilctl" bookings-import --room salle-navale "$tmp/navale-1.ics" "$tmp/navale-2.ics" >/dev/null &&
	"$build/seuilctl" bookings-import --room salle-estuaire "$tmp/estuaire.ics" >/dev/null; then
	ok "bookings imported for the rooms board and book now"
else
	not_ok "bookings imported for the rooms board and book now"
fi

for script in "$top"/tests/e2e/*.script; do
	name=$(basename "$script" .script)
	shots="$tmp/shots-$name"
	mkdir -p "$shots"
	printf '2468\n' | "$build/seuilctl" pin p-sacha >/dev/null || not_ok "$name: the sample staff PIN set (and any lockout ended)"
	if "$build/seuil" --script "$script" --screenshots "$shots" >"$tmp/$name.log" 2>&1; then
		ok "$name: the script ran to its end"
	else
		not_ok "$name: the script ran to its end"
		tail -n 20 "$tmp/$name.log"
	fi
	for shot in $(awk '$1 == "shot" { print $2 }' "$script"); do
		size=$(png_size "$shots/$shot.png" || true)
		if [ "$size" = "1280 800" ]; then
			ok "$name: $shot.png is a 1280x800 PNG"
		else
			not_ok "$name: $shot.png is a 1280x800 PNG (got: ${size:-no PNG})"
		fi
	done
done

# book now without seuil-sync: the request was cancelled when it timed out,
# so a late seuil-sync cannot book it, and nothing is in the room's calendar
state=$(sqlite3 "$SEUIL_DB" "SELECT state || ' ' || json_extract(body, '$.room') FROM requests WHERE kind = 'book'")
[ "$state" = "expired salle-estuaire" ] && ok "book now: the unanswered request was cancelled" ||
	not_ok "book now: the unanswered request was cancelled (got: $state)"
[ "$("$build/seuilctl" bookings --room salle-estuaire | grep -c seuil-book)" = 0 ] &&
	ok "book now: nothing was booked" || not_ok "book now: nothing was booked"

# a script error names its line and fails
printf 'shot fine\nfly 1 2\n' >"$tmp/bad.script"
if "$build/seuil" --script "$tmp/bad.script" --screenshots "$tmp" >"$tmp/bad.log" 2>&1; then
	not_ok "an unknown command fails the script"
else
	grep -q 'bad.script:2: unknown command' "$tmp/bad.log" && ok "an unknown command fails the script, naming its line" ||
		not_ok "an unknown command names its line"
fi

# the night screen: with a night that is now, home left alone dims; the touch
# that wakes it does nothing else (it lands on the visitor button)
# the sample directory is in Europe/Paris: so is the kiosk's clock
hour=$(TZ=Europe/Paris date +%H | sed 's/^0//')
printf '[kiosk]\nattract_s = 10\nnight_from_h = %d\nnight_to_h = %d\n' "$hour" $(((hour + 2) % 24)) >"$tmp/night.conf"
printf 'wait 11000\nshot night\ntap 328 467\nshot night-woken\n' >"$tmp/night.script"
if "$build/seuil" --verbose --config "$tmp/night.conf" --script "$tmp/night.script" --screenshots "$tmp" \
	>"$tmp/night.log" 2>&1; then
	ok "night: the script ran to its end"
else
	not_ok "night: the script ran to its end"
	tail -n 20 "$tmp/night.log"
fi
grep -q 'screen: home -> attract' "$tmp/night.log" && ok "night: home left alone turns to the night screen" ||
	not_ok "night: home left alone turns to the night screen"
grep -q 'screen: attract -> home' "$tmp/night.log" && ! grep -q 'screen: .* -> checkin' "$tmp/night.log" &&
	ok "night: a touch wakes it to home, and presses nothing" || not_ok "night: a touch wakes it to home, and presses nothing"
[ "$(png_size "$tmp/night.png")" = "1280 800" ] && ok "night: night.png is a 1280x800 PNG" ||
	not_ok "night: night.png is a 1280x800 PNG"
# by day the same wait leaves home as it is
printf '[kiosk]\nattract_s = 10\nnight_from_h = %d\nnight_to_h = %d\n' $(((hour + 3) % 24)) $(((hour + 5) % 24)) >"$tmp/day.conf"
"$build/seuil" --verbose --config "$tmp/day.conf" --script "$tmp/night.script" --screenshots "$tmp" >"$tmp/day.log" 2>&1
! grep -q 'screen: home -> attract' "$tmp/day.log" && grep -q 'screen: home -> checkin' "$tmp/day.log" &&
	ok "day: home stays, and a tap on the visitor button opens check-in" ||
	not_ok "day: home stays, and a tap on the visitor button opens check-in"

# the decisions of badge.script reached the journal, as from the reader
if [ "$("$build/seuilctl" events | grep -c '"kind":"decision"')" -ge 4 ]; then
	ok "the scripted badges were decided and journaled"
else
	not_ok "the scripted badges were decided and journaled"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
