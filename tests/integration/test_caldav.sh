#!/bin/bash
# test_caldav.sh - the rooms' calendars in seuil-sync against a real CalDAV
# server, Debian's Radicale, over TLS on loopback with HTTP Basic (htpasswd)
# and a site CA made at run time; rooms come from a seuil-office's directory,
# each sync is `seuilctl sync`.  Checked: the first sync stores the events,
# a PUT and a DELETE arrive as deltas, a corrupted sync-token gives a full
# resync with the same result, an iCalendar feed is fetched again with
# If-None-Match (304) and not before its REFRESH-INTERVAL; a wrong password,
# a password file open to others, a plain-http calendar and hostile replies
# (malformed XML, a 507 whose token never moves) are refused with a clear
# reason and change nothing of that room, while the other rooms still sync.
# usage: test_caldav.sh [BUILD_DIR]
set -u
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/caldav-test.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
unset TZ http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
ctl="$build/seuilctl"
office="$build/seuil-office"
db="$tmp/kiosk.db"
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
show() { sed 's/^/#   /' "$tmp/sync.out" | head -20; }
check() { # description, command...: ok when the command succeeds
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else not_ok "$what"; show; fi
}
same() { [ "$2" = "$3" ] && ok "$1" || { not_ok "$1"; echo "#   got:    $2" | head -5; echo "#   wanted: $3" | head -5; }; }
q() { sqlite3 "$db" "$1"; }
# what the store holds of a room: href and etag of each item, and its token or validators
room_state() {
	q "SELECT href || ' ' || ifnull(etag, '') FROM bookings WHERE room_id = '$1' ORDER BY href"
	q "SELECT ifnull(sync_token, '') || ' ' || ifnull(etag, '') || ' ' || ifnull(last_modified, '') FROM rooms WHERE id = '$1'"
}
hrefs() { q "SELECT href FROM bookings WHERE room_id = '$1' ORDER BY href" | tr '\n' ' '; }

# --- a site CA; Radicale over TLS with one htpasswd user (radicale.sh) ----------------
. "$top/tests/integration/radicale.sh"
start_radicale || exit 1
# an event in UTC, from days and hours after today's midnight
day() { date -u -d "$(date -u +%F) + $1 days" +%Y%m%d; }
put_event() { # collection, uid, day offset, from hour, to hour, summary
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Seuil tests//FR\r\nBEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:%sT%02d0000Z\r\nDTEND:%sT%02d0000Z\r\nSUMMARY:%s\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"$2" "$(day "$3")" "$4" "$(day "$3")" "$5" "$6" >"$tmp/ev.ics"
	dc -o /dev/null -w '%{http_code}' -T "$tmp/ev.ics" -H 'Content-Type: text/calendar' "$dav/$1/$2.ics"
}
put_weekly() { # collection, uid: a weekly booking with an exception
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Seuil tests//FR\r\n'"$paris_vtimezone"'BEGIN:VEVENT\r\nUID:%s\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Paris:%sT100000\r\nDTEND;TZID=Europe/Paris:%sT113000\r\nRRULE:FREQ=WEEKLY;COUNT=6\r\nEXDATE;TZID=Europe/Paris:%sT100000\r\nSUMMARY:Comité hebdomadaire\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
		"$2" "$(day 1)" "$(day 1)" "$(day 8)" >"$tmp/ev.ics"
	dc -o /dev/null -w '%{http_code}' -T "$tmp/ev.ics" -H 'Content-Type: text/calendar' "$dav/$1/$2.ics"
}
dc -o /dev/null -X PROPFIND -H 'Depth: 0' "$dav/"
for c in navale estuaire; do
	code=$(dc -o /dev/null -w '%{http_code}' -X MKCALENDAR "$dav/$c/")
	[ "$code" = 201 ] || { echo "not ok - MKCALENDAR $c: HTTP $code"; exit 1; }
done
same "events are put on Radicale" "$(put_event navale ev-a 1 9 10 'Assemblée générale'; put_event navale ev-b 2 14 16 'Formation'; put_weekly navale ev-weekly; put_event estuaire ev-c 3 8 9 'Petit-déjeuner')" "201201201201"

# --- an iCalendar feed over TLS with ETag / Last-Modified, and a hostile DAV server ----
fport=$(free_port)
cat >"$tmp/feed.py" <<'PY'
# The loopback test server for what Radicale does not do: an iCalendar feed
# with conditional GET (feed.ics, its ETag in feed.etag), and a hostile
# CalDAV collection under /hostile/ whose replies follow the file `mode`.
# Every request is recorded in requests.log.
import http.server, os, ssl, sys
folder, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]

def read(name, default=""):
    try:
        with open(os.path.join(folder, name), "rb") as f:
            return f.read()
    except FileNotFoundError:
        return default.encode()

class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args):
        pass
    def send(self, status, body, ctype, headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
    def record(self):
        with open(os.path.join(folder, "requests.log"), "a") as f:
            f.write("%s %s inm=%s ims=%s\n" % (self.command, self.path, self.headers.get("If-None-Match"),
                                                self.headers.get("If-Modified-Since")))
    def do_GET(self):
        self.record()
        etag = read("feed.etag").decode().strip()
        lm = "Wed, 25 Nov 2026 10:00:00 GMT"
        if self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", "text/calendar", [("ETag", etag)])
        self.send(200, read("feed.ics"), "text/calendar; charset=utf-8", [("ETag", etag), ("Last-Modified", lm)])
    def do_PROPFIND(self):
        self.do_REPORT()
    def do_REPORT(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.record()
        mode = read("mode").decode().strip()
        if self.command == "PROPFIND":
            body = (b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
                    b'<D:response><D:href>/hostile/</D:href><D:propstat><D:prop><D:resourcetype><D:collection/>'
                    b'<C:calendar/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat>'
                    b'</D:response></D:multistatus>')
            return self.send(207, body, "application/xml")
        if mode == "malformed":
            return self.send(207, b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:"><D:response><D:href>/x',
                             "application/xml")
        if mode == "entities":
            return self.send(207, b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY a "aaaaaaaa">]>'
                             b'<D:multistatus xmlns:D="DAV:">&a;</D:multistatus>', "application/xml")
        if mode == "500":
            return self.send(500, b"oops", "text/plain")
        if mode == "quiet":
            return self.send(207, b'<?xml version="1.0"?><multistatus xmlns="DAV:"><sync-token>quiet-token</sync-token>'
                             b'</multistatus>', "application/xml")
        # "stuck": 507 forever with the same token and the same change
        body = (b'<?xml version="1.0"?><D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
                b'<D:response><D:href>/hostile/loop.ics</D:href><D:propstat><D:prop><D:getetag>"1"</D:getetag>'
                b'<C:calendar-data>BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:loop\r\n'
                b'DTSTAMP:20260101T000000Z\r\nDTSTART:20261201T090000Z\r\nDTEND:20261201T100000Z\r\n'
                b'SUMMARY:Boucle\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n</C:calendar-data></D:prop>'
                b'<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>'
                b'<D:response><D:href>/hostile/</D:href><D:status>HTTP/1.1 507 Insufficient Storage</D:status>'
                b'</D:response><D:sync-token>same-token</D:sync-token></D:multistatus>')
        self.send(207, body, "application/xml")

httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
httpd.serve_forever()
PY
mkdir -p "$tmp/feed"
# the feed is the export of a Radicale collection
dc -o "$tmp/feed/feed.ics" "$dav/estuaire/"
echo '"feed-v1"' >"$tmp/feed/feed.etag"
echo quiet >"$tmp/feed/mode"
python3 "$tmp/feed.py" "$tmp/feed" "$fport" "$tmp/site/server.pem" "$tmp/site/server.key" >"$tmp/feed.log" 2>&1 &
pids="$pids $!"
wait_port "$fport" || { echo "not ok - the feed server did not start"; cat "$tmp/feed.log"; exit 1; }

# --- the office, its directory naming the calendars ----------------------------------------
oport=$(free_port)
cat >"$tmp/office.conf" <<EOF
[office]
listen = 127.0.0.1
port = $oport
cert = $tmp/site/server.pem
key = $tmp/site/server.key
ca = $tmp/site/site-ca.pem
db = $tmp/office.db
EOF
python3 - "$top/dist/examples/directory.json" "$tmp/directory.json" "$dav" "https://localhost:$fport" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
dav, feed = sys.argv[3], sys.argv[4]
d["rooms"] = [
    {"id": "salle-navale", "name": "Salle Navale", "capacity": 40, "doors": ["salles"], "calendar": dav + "/navale/"},
    {"id": "salle-estuaire", "name": "Salle Estuaire", "capacity": 12, "doors": ["salles"], "calendar": dav + "/estuaire/"},
    {"id": "salle-atelier", "name": "Atelier", "capacity": 8, "doors": ["salles"], "calendar": feed + "/feed.ics", "feed": "ics"},
    {"id": "salle-jardin", "name": "Jardin", "capacity": 6, "doors": ["salles"], "calendar": "http://calendar.example/jardin/"},
    {"id": "salle-cave", "name": "Cave", "capacity": 6, "doors": ["salles"], "calendar": feed + "/hostile/"},
]
json.dump(d, open(sys.argv[2], "w"), ensure_ascii=False)
PY
"$office" --config "$tmp/office.conf" import "$tmp/directory.json" >/dev/null ||
	{ echo "not ok - the office refused the test directory"; exit 1; }
"$office" --config "$tmp/office.conf" serve >"$tmp/office.out" 2>"$tmp/office.log" &
pids="$pids $!"
wait_port "$oport" || { echo "not ok - the office did not start"; cat "$tmp/office.log"; exit 1; }

"$ctl" --db "$db" init --device kiosk-1 >/dev/null
printf 's3cret-du-pole\n' >"$tmp/cal.pw"
chmod 600 "$tmp/cal.pw"
kiosk_conf() { # name, then extra [sync] lines
	local name=$1
	shift
	{
		echo "[device]"; echo "id = kiosk-1"
		echo "[sync]"; echo "url = https://localhost:$oport"
		echo "ca = $tmp/site/site-ca.pem"
		echo "cert = $tmp/site/kiosk-1.pem"; echo "key = $tmp/site/kiosk-1.key"
		echo "connect_timeout_s = 3"; echo "transfer_timeout_s = 10"
		echo "calendar_user = accueil"
		echo "calendar_ca = $tmp/site/site-ca.pem"
		for l in "$@"; do echo "$l"; done
	} >"$tmp/$name.conf"
}
kiosk_conf kiosk "calendar_password_file = $tmp/cal.pw"
sync_with() { "$ctl" --db "$db" sync --config "$tmp/$1.conf" >"$tmp/sync.out" 2>&1; }
has_bookings_cmd() { "$ctl" bookings --help >/dev/null 2>&1; }

# --- the first sync ---------------------------------------------------------------------------
start=$(date +%s%N)
sync_with kiosk
check "the first sync succeeds for the office" grep -q "^sync: ok" "$tmp/sync.out"
check "it reports the calendars" grep -q "^calendars: 5 rooms: 4 full" "$tmp/sync.out"
same "the navale room holds its three events" "$(hrefs salle-navale)" \
	"/accueil/navale/ev-a.ics /accueil/navale/ev-b.ics /accueil/navale/ev-weekly.ics "
same "the estuaire room holds its event" "$(hrefs salle-estuaire)" "/accueil/estuaire/ev-c.ics "
same "the feed room holds the feed's event, by UID" "$(hrefs salle-atelier)" "ev-c "
check "a sync-token is stored for each CalDAV room" test "$(q "SELECT count(*) FROM rooms WHERE sync_token LIKE 'http://radicale.org/ns/sync/%'")" = 2
check "the feed's ETag and Last-Modified are stored" test "$(q "SELECT etag || '|' || last_modified FROM rooms WHERE id = 'salle-atelier'")" = '"feed-v1"|Wed, 25 Nov 2026 10:00:00 GMT'
check "the stored calendar data is the server's" grep -q "Assemblée générale" <(q "SELECT ical FROM bookings WHERE href LIKE '%ev-a.ics'")
if has_bookings_cmd; then
	"$ctl" --db "$db" bookings --room salle-navale >"$tmp/bookings.out" 2>&1
	check "seuilctl bookings shows the booking" grep -q '"summary":"Assemblée générale"' "$tmp/bookings.out"
	check "and the weekly one, without its exception" test "$(grep -c '"uid":"ev-weekly"' "$tmp/bookings.out")" = 5
fi
check "a plain-http calendar is refused" grep -q "salle-jardin.*refusing plain http://" "$tmp/sync.out"
same "and nothing is stored for it" "$(hrefs salle-jardin)" ""
check "the refusal is the sync status's last error" grep -qi "calendar of" <(q "SELECT value FROM sync_state WHERE key = 'last_error'")

# --- deltas -----------------------------------------------------------------------------------
put_event navale ev-d 4 10 12 'Atelier coopératif' >/dev/null
sync_with kiosk
check "after a PUT the room syncs as a delta" grep -Eq "^calendars: .* 1 delta, 3 unchanged" "$tmp/sync.out"
same "the new event is stored" "$(hrefs salle-navale)" \
	"/accueil/navale/ev-a.ics /accueil/navale/ev-b.ics /accueil/navale/ev-d.ics /accueil/navale/ev-weekly.ics "
dc -o /dev/null -X DELETE "$dav/navale/ev-b.ics"
put_event navale ev-a 1 9 11 'Assemblée générale (prolongée)' >/dev/null
sync_with kiosk
check "after a DELETE and a change: a delta" grep -Eq "1 changed, 1 deleted" "$tmp/sync.out"
same "the deleted event is gone" "$(hrefs salle-navale)" \
	"/accueil/navale/ev-a.ics /accueil/navale/ev-d.ics /accueil/navale/ev-weekly.ics "
check "the changed event is stored anew" grep -q "prolongée" <(q "SELECT ical FROM bookings WHERE href LIKE '%ev-a.ics'")
sync_with kiosk
check "nothing new: every room is unchanged" grep -Eq "0 full, 0 delta, 4 unchanged" "$tmp/sync.out"

# --- a rejected token: full resync, same result --------------------------------------------------
before=$(room_state salle-navale | head -n -1)
q "UPDATE rooms SET sync_token = 'http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000' WHERE id = 'salle-navale'"
sync_with kiosk
check "a rejected token is a full resync" grep -q "token rejected" "$tmp/sync.out"
same "with the same result" "$(room_state salle-navale | head -n -1)" "$before"
check "and a valid token again" test "$(q "SELECT sync_token FROM rooms WHERE id = 'salle-navale'")" != "http://radicale.org/ns/sync/0000000000000000000000000000000000000000000000000000000000000000"

# --- the iCalendar feed: 304, then REFRESH-INTERVAL ---------------------------------------------
check "the feed was fetched again with If-None-Match" grep -q 'GET /feed.ics inm="feed-v1" ims=Wed, 25 Nov 2026' "$tmp/feed/requests.log"
check "a 304 counts as unchanged" grep -Eq "unchanged" "$tmp/sync.out"
same "the feed room keeps its event after 304s" "$(hrefs salle-atelier)" "ev-c "
sed 's/^END:VCALENDAR/BEGIN:VEVENT\r\nUID:ev-feed-2\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20261215T090000Z\r\nDTEND:20261215T100000Z\r\nSUMMARY:Nouveau\r\nEND:VEVENT\r\nEND:VCALENDAR/; s/^VERSION:2.0/VERSION:2.0\r\nREFRESH-INTERVAL;VALUE=DURATION:PT1H/' \
	"$tmp/feed/feed.ics" >"$tmp/feed/feed2.ics" && mv "$tmp/feed/feed2.ics" "$tmp/feed/feed.ics"
echo '"feed-v2"' >"$tmp/feed/feed.etag"
sync_with kiosk
same "a changed feed replaces the room's items" "$(hrefs salle-atelier)" "ev-c ev-feed-2 "
check "its REFRESH-INTERVAL is kept" test "$(q "SELECT refresh_s FROM rooms WHERE id = 'salle-atelier'")" = 3600
n=$(grep -c "GET /feed.ics" "$tmp/feed/requests.log")
sync_with kiosk
check "the feed is not fetched again before its REFRESH-INTERVAL" test "$(grep -c "GET /feed.ics" "$tmp/feed/requests.log")" = "$n"
check "and the report says so" grep -Eq "1 not due" "$tmp/sync.out"

# --- hostile CalDAV replies: a clear error, nothing changes there, the others sync --------------
echo stuck >"$tmp/feed/mode"
n=$(grep -c "REPORT /hostile/" "$tmp/feed/requests.log")
sync_with kiosk
check "a 507 whose token never moves does not loop" test "$(grep -c "REPORT /hostile/" "$tmp/feed/requests.log")" -le $((n + 2))
check "what came with it is kept with its token" test "$(q "SELECT sync_token FROM rooms WHERE id = 'salle-cave'")" = same-token
same "and its item" "$(hrefs salle-cave)" "/hostile/loop.ics "
n=$(grep -c "REPORT /hostile/" "$tmp/feed/requests.log")
sync_with kiosk
check "asked again from that token: one REPORT" test "$(grep -c "REPORT /hostile/" "$tmp/feed/requests.log")" = $((n + 1))
for mode in malformed entities 500; do
	echo "$mode" >"$tmp/feed/mode"
	cave=$(room_state salle-cave)
	put_event navale "ev-$mode" 5 8 9 "Pendant $mode" >/dev/null
	sync_with kiosk
	check "hostile reply ($mode): a clear error" grep -Eq "calendar of salle-cave: REPORT .*(malformed XML|document type|HTTP 500)" "$tmp/sync.out"
	same "hostile reply ($mode): that room unchanged" "$(room_state salle-cave)" "$cave"
	check "hostile reply ($mode): the other rooms still sync" grep -q "ev-$mode" <(hrefs salle-navale)
done
echo quiet >"$tmp/feed/mode"

# --- credentials ------------------------------------------------------------------------------------
snap=$(for r in salle-navale salle-estuaire; do room_state $r; done)
put_event navale ev-late 6 8 9 'Trop tard' >/dev/null
printf 'wrong-password\n' >"$tmp/bad.pw"
chmod 600 "$tmp/bad.pw"
kiosk_conf badpw "calendar_password_file = $tmp/bad.pw"
sync_with badpw
check "a wrong password: a clear error" grep -q "HTTP 401: the calendar server refused the credentials" "$tmp/sync.out"
check "the office part still succeeds" grep -q "^sync: ok" "$tmp/sync.out"
same "a wrong password changes nothing" "$(for r in salle-navale salle-estuaire; do room_state $r; done)" "$snap"
chmod 644 "$tmp/cal.pw"
sync_with kiosk
check "a password file readable by others is refused" grep -q "calendar_password_file .* open to its group or others" "$tmp/sync.out"
same "and changes nothing" "$(for r in salle-navale salle-estuaire; do room_state $r; done)" "$snap"
chmod 600 "$tmp/cal.pw"
sync_with kiosk
check "with the right file again the waiting change arrives" grep -q "ev-late" <(hrefs salle-navale)
kiosk_conf noca "calendar_password_file = $tmp/cal.pw"
sed -i '/^calendar_ca/d' "$tmp/noca.conf"
sync_with noca
check "without calendar_ca the system's CAs do not know the site CA" grep -q "certificate is refused" "$tmp/sync.out"

# --- the daily expansion: a new day expands every stored object again ------------------------
before=$(q "SELECT count(*) FROM occurrences")
q "DELETE FROM occurrences; UPDATE settings SET value = '1' WHERE key = 'bookings_expanded_day'"
sync_with kiosk
same "a new day: every stored object is expanded again" "$(q "SELECT count(*) FROM occurrences")" "$before"
check "and the day is recorded" test "$(q "SELECT value FROM settings WHERE key = 'bookings_expanded_day'")" != 1

end=$(date +%s%N)
echo "# test_caldav.sh: $(((end - start) / 1000000)) ms of syncing"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
