#!/bin/bash
# test_book_now.sh - book now against a real CalDAV server, Debian's
# Radicale over TLS on loopback (as test_caldav.sh): a booking asked on the
# kiosk (`seuil --script`: badge, room, 30 minutes, confirm) is written by
# `seuil-sync --once` to the room's collection and stored at once; two
# kiosks (two databases, the same room) asking for the same slot and
# syncing at the same time give exactly one "ok" and one "conflict", and
# the server holds one event for the slot; the calendar down gives
# "offline"; a request older than the kiosk waits is not booked.
# usage: test_book_now.sh [BUILD_DIR]
set -u
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/book-now-test.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
unset TZ http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
export SDL_VIDEODRIVER=dummy
ctl="$build/seuilctl"
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
same() { [ "$2" = "$3" ] && ok "$1" || { not_ok "$1"; echo "#   got:    $2" | head -5; echo "#   wanted: $3" | head -5; }; }

# --- a site CA; Radicale over TLS with one htpasswd user (radicale.sh) ----------------
. "$top/tests/integration/radicale.sh"
start_radicale || exit 1
dc -o /dev/null -X PROPFIND -H 'Depth: 0' "$dav/"
for c in navale estuaire; do
	code=$(dc -o /dev/null -w '%{http_code}' -X MKCALENDAR "$dav/$c/")
	[ "$code" = 201 ] || { echo "not ok - MKCALENDAR $c: HTTP $code"; exit 1; }
done
# the events of a collection: "UID START END" lines, sorted
events() {
	dc -s "$dav/$1/" | python3 -c '
import sys, re
text = sys.stdin.read().replace("\r\n ", "").replace("\r\n", "\n")
for ev in re.findall(r"BEGIN:VEVENT\n(.*?)END:VEVENT", text, re.S):
    f = dict(l.split(":", 1) for l in ev.split("\n") if ":" in l and not l.startswith(" "))
    print(f.get("UID"), f.get("DTSTART"), f.get("DTEND"))' | sort
}

# --- two kiosks, the sample directory with the rooms' calendars --------------------------
python3 - "$top/dist/examples/directory.json" "$tmp/directory.json" "$dav" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["rooms"] = [
    {"id": "salle-navale", "name": "Salle Navale", "capacity": 40, "doors": ["salles"], "calendar": sys.argv[3] + "/navale/"},
    {"id": "salle-estuaire", "name": "Salle Estuaire", "capacity": 12, "doors": ["salles"], "calendar": sys.argv[3] + "/estuaire/"},
]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
printf 's3cret-du-pole\n' >"$tmp/cal.pw"
chmod 600 "$tmp/cal.pw"
for k in a b; do
	"$ctl" --db "$tmp/$k.db" init --device "kiosk-$k" >/dev/null &&
		"$ctl" --db "$tmp/$k.db" import "$tmp/directory.json" >/dev/null || { echo "not ok - kiosk $k set up"; exit 1; }
done
cat >"$tmp/sync.conf" <<EOC
[sync]
connect_timeout_s = 3
transfer_timeout_s = 10
calendar_user = accueil
calendar_ca = $tmp/site/site-ca.pem
calendar_password_file = $tmp/cal.pw
EOC
# seuil-sync --once for kiosk k (no office: its step fails, book now and the calendars do not)
sync_kiosk() { "$build/seuil-sync" --config "$tmp/sync.conf" --db "$tmp/$1.db" --once >"$tmp/sync-$1.out" 2>&1; }
answer() { sqlite3 "$tmp/$1.db" "SELECT state || ' ' || ifnull(answer, '') FROM requests WHERE kind = 'book' ORDER BY id DESC LIMIT 1"; }
sync_kiosk a
sync_kiosk b

# --- 1. on the kiosk: Sacha (staff, the Pôle's team) books Salle Estuaire for 30 minutes ---
cat >"$tmp/book.script" <<'EOS'
badge 04DEADBEEF0042
tap 640 556
tap 640 244
tap 224 390
tap 948 652
shot waiting
EOS
"$build/seuil" --db "$tmp/a.db" --script "$tmp/book.script" --screenshots "$tmp" >"$tmp/kiosk.log" 2>&1 ||
	{ not_ok "the kiosk's script ran"; tail "$tmp/kiosk.log"; }
same "the kiosk wrote a pending book request" "$(answer a)" "pending "
body=$(sqlite3 "$tmp/a.db" "SELECT body FROM requests WHERE kind = 'book'")
same "for Salle Estuaire, the Pôle's team and Sacha" \
	"$(echo "$body" | python3 -c 'import json,sys; b=json.load(sys.stdin); print(b["room"], b["tenant"], b["person"])')" \
	"salle-estuaire pole p-sacha"
sync_kiosk a
same "seuil-sync answers ok" "$(answer a)" "done ok"
grep -q "^book now: 1 ok" "$tmp/sync-a.out" && ok "and reports it" || { not_ok "and reports it"; cat "$tmp/sync-a.out"; }
uid=$(echo "$body" | python3 -c 'import json,sys; print(json.load(sys.stdin)["uid"])')
same "the event is on the server" "$(events estuaire | awk '{print $1}')" "$uid"
dc -s "$dav/estuaire/$uid.ics" >"$tmp/event.ics"
grep -q "SUMMARY:Réservé sur place — Équipe du Pôle de coopération" "$tmp/event.ics" && ok "its summary names the organisation" ||
	not_ok "its summary names the organisation"
grep -q "ORGANIZER:mailto:accueil@pole.example" "$tmp/event.ics" && grep -q "X-SEUIL-TENANT:pole" "$tmp/event.ics" &&
	ok "its organiser is Sacha, its tenant the Pôle's team" || not_ok "its organiser is Sacha, its tenant the Pôle's team"
"$ctl" --db "$tmp/a.db" bookings --room salle-estuaire >"$tmp/bookings.out" 2>&1
grep -q "\"uid\":\"$uid\"" "$tmp/bookings.out" && ok "seuilctl bookings shows it" ||
	{ not_ok "seuilctl bookings shows it"; cat "$tmp/bookings.out"; }
same "its organiser's tenant is stored" "$(sqlite3 "$tmp/a.db" "SELECT organizer_tenant_id FROM occurrences WHERE uid = '$uid'")" "pole"

# --- 2. two kiosks, the same room and slot, syncing at once: exactly one wins ---------------
now=$(date -u +%s)
start=$(date -u -d "@$((now - now % 60 + 3600))" +%Y-%m-%dT%H:%M:00Z)
end=$(date -u -d "@$((now - now % 60 + 5400))" +%Y-%m-%dT%H:%M:00Z)
race_uid="seuil-book-$(date -u -d "$start" +%Y%m%dT%H%M)Z-salle-navale"
for k in a b; do
	sqlite3 "$tmp/$k.db" "INSERT INTO requests(kind, body, created_ms, state) VALUES ('book',
		'{\"room\":\"salle-navale\",\"start\":\"$start\",\"end\":\"$end\",\"tenant\":\"scop-btp\",\"person\":\"p-camille\",\"uid\":\"$race_uid\"}',
		$(date +%s%3N), 'pending')"
done
sync_kiosk a &
pa=$!
sync_kiosk b &
pb=$!
wait $pa $pb
same "one kiosk got ok, the other conflict" "$( (answer a; answer b) | sort | tr '\n' ',')" "done conflict,done ok,"
same "the server holds one event for the slot" "$(events navale | wc -l)" 1
# the other race: overlapping slots from different minutes, both asked at once: never both
start2=$(date -u -d "@$((now - now % 60 + 7200))" +%Y-%m-%dT%H:%M:00Z)
end2=$(date -u -d "@$((now - now % 60 + 9000))" +%Y-%m-%dT%H:%M:00Z)
start3=$(date -u -d "@$((now - now % 60 + 7260))" +%Y-%m-%dT%H:%M:00Z)
end3=$(date -u -d "@$((now - now % 60 + 9060))" +%Y-%m-%dT%H:%M:00Z)
add_req() { # kiosk, start, end
	sqlite3 "$tmp/$1.db" "INSERT INTO requests(kind, body, created_ms, state) VALUES ('book',
		'{\"room\":\"salle-navale\",\"start\":\"$2\",\"end\":\"$3\",\"tenant\":\"scop-btp\",\"person\":\"p-camille\",\"uid\":\"seuil-book-$(date -u -d "$2" +%Y%m%dT%H%M)Z-salle-navale\"}',
		$(date +%s%3N), 'pending')"
}
add_req a "$start2" "$end2"
add_req b "$start3" "$end3"
sync_kiosk a &
pa=$!
sync_kiosk b &
pb=$!
wait $pa $pb
oks=$( (answer a; answer b) | grep -c "done ok")
[ "$oks" -le 1 ] && ok "overlapping slots from two kiosks: never both booked ($oks ok)" ||
	not_ok "overlapping slots from two kiosks: never both booked"
same "and the server holds as many events there as were answered ok" "$(events navale | wc -l)" $((1 + oks))

# --- 3. an old request is not booked ---------------------------------------------------------
start4=$(date -u -d "@$((now - now % 60 + 14400))" +%Y-%m-%dT%H:%M:00Z)
end4=$(date -u -d "@$((now - now % 60 + 16200))" +%Y-%m-%dT%H:%M:00Z)
sqlite3 "$tmp/a.db" "INSERT INTO requests(kind, body, created_ms, state) VALUES ('book',
	'{\"room\":\"salle-estuaire\",\"start\":\"$start4\",\"end\":\"$end4\",\"tenant\":\"pole\",\"person\":\"\",\"uid\":\"seuil-book-old\"}',
	$(($(date +%s%3N) - 30000)), 'pending')"
sync_kiosk a
same "a request older than the kiosk waits is refused" "$(answer a)" "failed expired"
events estuaire | grep -q seuil-book-old && not_ok "and not booked" || ok "and not booked"

# --- 4. the calendar down: offline ---------------------------------------------------------------
kill "$radicale_pid"
wait "$radicale_pid" 2>/dev/null
pids=""
add_req b "$start4" "$end4"
sync_kiosk b
same "the calendar unreachable: offline" "$(answer b)" "failed offline"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
