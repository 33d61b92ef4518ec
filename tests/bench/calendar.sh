#!/bin/bash
# calendar.sh - benchmark of the rooms' calendars (issue 6, item 8): Debian's
# Radicale over TLS on loopback (a site CA made at run time, HTTP Basic from
# an htpasswd file), 20 calendar collections (20 rooms) holding 1,000 events
# of a cooperative building, a quarter of them recurring (weekly or daily,
# COUNT or UNTIL, some with EXDATE).  Then, in the same run, on the same
# server and data, each measured several times (medians):
#   (a) the floor: one curl process sending one sync-collection REPORT
#       (getetag + calendar-data) per collection, the 20 URLs chained with
#       --next;
#   (b) ours: `seuilctl sync` into a fresh store (init + import of a
#       directory naming the 20 calendars, not timed): the whole process,
#       discovery, 20 full syncs, parsing, expansion and storage;
#   (c) a one-change delta: one event changed (PUT), then ours against the
#       floor of 20 token REPORTs from the same tokens in one curl process;
#   (d) the peers: vdirsyncer (discover + first sync, then a sync after one
#       change) and python3-caldav (every event of every calendar).
# No office is configured: `seuilctl sync` then says the office step failed
# (exit 2) and still syncs the calendars, which is what is timed.
# Skips (exit 0) when Radicale is missing; a missing peer is skipped alone.
# usage: calendar.sh [BUILD_DIR] [WORK_DIR]
#   SEUIL_BENCH_CAL_RUNS (default 5): runs of (a), (b), (c);
#   SEUIL_BENCH_CAL_PEER_RUNS (default 3): runs of (d).
set -u
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
base=${2:-${TMPDIR:-/tmp}}
mkdir -p "$base"
runs=${SEUIL_BENCH_CAL_RUNS:-5}
peer_runs=${SEUIL_BENCH_CAL_PEER_RUNS:-3}
py=/usr/bin/python3
unset TZ http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

skip() { echo "calendar: skipped: $*"; exit 0; }
[ -x "$py" ] || skip "$py is needed (Debian's python3)"
"$py" -c 'import radicale' 2>/dev/null || skip "radicale is not installed (apt install radicale)"
for tool in curl openssl sqlite3; do
	command -v $tool >/dev/null || skip "$tool is not installed"
done
[ -x "$build/seuilctl" ] || skip "no $build/seuilctl (make all)"
have_vdirsyncer=true
command -v vdirsyncer >/dev/null || have_vdirsyncer=false
have_caldav=true
"$py" -c 'import caldav' 2>/dev/null || have_caldav=false

w=$(mktemp -d "$base/calendar.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $w"; else rm -rf "$w"; fi
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

die() { echo "calendar: $*" >&2; exit 2; }
now_ns() { date +%s%N; }
# median of the numbers given (seconds), and a ratio a/b with 2 decimals
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }'; }
# "met" or "MISSED": at_most|at_least value target
verdict() { awk -v op="$1" -v v="$2" -v t="$3" 'BEGIN { ok = op == "at_most" ? v <= t : v >= t; print ok ? "met" : "MISSED" }'; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# --- a site CA and the server's certificate; Radicale over TLS, htpasswd -----------------
sh "$top/dist/make-site-certs" "$w/site" --server-name localhost --server-ip 127.0.0.1 >/dev/null 2>&1 ||
	die "cannot make certificates"
ca=$w/site/site-ca.pem
user=accueil
password=s3cret-du-pole
port=$(free_port)
echo "$user:$password" >"$w/htpasswd"
cat >"$w/radicale.conf" <<EOF
[server]
hosts = 127.0.0.1:$port
ssl = True
certificate = $w/site/server.pem
key = $w/site/server.key
[auth]
type = htpasswd
htpasswd_filename = $w/htpasswd
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = $w/collections
[rights]
type = owner_only
[web]
type = none
[logging]
level = warning
EOF
"$py" -m radicale --config "$w/radicale.conf" >"$w/radicale.log" 2>&1 &
pids="$pids $!"
wait_port "$port" || { cat "$w/radicale.log" >&2; die "Radicale did not start"; }
home="https://localhost:$port/$user"
dc() { curl -s --cacert "$ca" -u "$user:$password" "$@"; }

# --- the data: 20 rooms, 1,000 events (a quarter recurring, some with EXDATE) ------------
"$py" - "$w/data" "$w/collections/collection-root/$user" <<'PY'
# The 20 collections, written straight into Radicale's storage folder (one
# .ics file per event, as Radicale keeps them: a PUT of the 20 whole
# collections takes Radicale about 30 s), and the directory naming the
# rooms.  Deterministic: the same data every run.
import datetime, json, os, random, sys
out, storage = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
rnd = random.Random(6)
rooms = ["navale", "estuaire", "atelier", "jardin", "cave", "verriere", "loire", "erdre", "sevre", "chantier",
         "quai", "phare", "forge", "halle", "grenier", "cour", "passerelle", "bibliotheque", "patio", "terrasse"]
names = ["Salle Navale", "Salle Estuaire", "Atelier", "Jardin d'hiver", "Cave voûtée", "Verrière", "Salle Loire",
         "Salle Erdre", "Salle Sèvre", "Le Chantier", "Salle du Quai", "Le Phare", "La Forge", "La Halle",
         "Le Grenier", "Salle sur cour", "La Passerelle", "Bibliothèque", "Patio", "Terrasse"]
titles = ["Réunion d'équipe", "Atelier compta", "AG", "Formation", "Assemblée générale", "Comité de pilotage",
          "Conseil coopératif", "Point hebdo", "Permanence juridique", "Atelier numérique",
          "Petit-déjeuner des résidents", "Commission travaux", "Réunion du bureau", "Entretien de recrutement",
          "Formation sécurité incendie", "Café associatif", "Point budget", "Séminaire stratégie",
          "Réunion de chantier", "Atelier CV", "Comité d'éthique", "Formation premiers secours",
          "Commission animation", "Conseil d'administration", "Atelier réparation vélos", "Réunion mutualisation"]
tenants = [("Coop'Énergie", "contact@coop-energie.example"), ("Les Ateliers du Quai", "bureau@ateliers-quai.example"),
           ("Mutuelle de l'Estuaire", "accueil@mutuelle-estuaire.example"), ("Tiers-lieu numérique", "equipe@tiers-lieu.example"),
           ("SCIC Pôle coopératif", "gestion@pole-coop.example"), ("Régie de quartier", "secretariat@regie-quartier.example")]
VTZ = ("BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\n"
       "TZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
       "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\n"
       "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n")
today = datetime.datetime.now(datetime.timezone.utc).date()
fmt = lambda d: d.strftime("%Y%m%dT%H%M%S")
n = recurring = exdates = 0
directory = {"site": {"name": "Pôle de coopération", "timezone": "Europe/Paris"},
             "doors": [{"id": "salles", "name": "Couloir des salles", "unlock_ms": 4000}], "rooms": []}
for r, room in enumerate(rooms):
    events = []
    for k in range(50):
        i = r * 50 + k
        title, (org, mail) = rnd.choice(titles), rnd.choice(tenants)
        start = datetime.datetime.combine(today + datetime.timedelta(days=rnd.randint(-7, 85)),
                                          datetime.time(rnd.randint(8, 18), rnd.choice([0, 30])))
        end = start + datetime.timedelta(minutes=rnd.choice([30, 60, 90, 120, 180]))
        lines = ["BEGIN:VEVENT", "UID:seuil-bench-%04d@pole-coop.example" % i, "DTSTAMP:20260101T090000Z",
                 "CREATED:20260101T090000Z", "LAST-MODIFIED:20260101T090000Z",
                 "DTSTART;TZID=Europe/Paris:" + fmt(start), "DTEND;TZID=Europe/Paris:" + fmt(end),
                 "SUMMARY:%s – %s" % (title, org), "LOCATION:" + names[r],
                 "DESCRIPTION:Réservation de la salle pour %s. Merci de laisser la salle rangée." % org,
                 "ORGANIZER;CN=%s:mailto:%s" % (org, mail), "SEQUENCE:0", "STATUS:CONFIRMED",
                 "TRANSP:OPAQUE"]
        if rnd.random() < 0.05:
            lines.append("CLASS:PRIVATE")
        if i % 4 == 0:  # a quarter recurring
            recurring += 1
            weekly = (i // 4) % 3 != 0
            if (i // 4) % 2 == 0:
                rule = "FREQ=WEEKLY;COUNT=%d" % rnd.randint(4, 12) if weekly else "FREQ=DAILY;COUNT=%d" % rnd.randint(3, 10)
            else:
                until = start + datetime.timedelta(days=rnd.randint(20, 60) if weekly else rnd.randint(3, 12))
                rule = ("FREQ=WEEKLY" if weekly else "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR") + ";UNTIL=" + \
                    (until - datetime.timedelta(hours=2)).strftime("%Y%m%dT%H%M%SZ")
            lines.append("RRULE:" + rule)
            if (i // 4) % 3 == 1:  # some with EXDATE: the second occurrence
                exdates += 1
                step = datetime.timedelta(days=7 if weekly else 1)
                lines.append("EXDATE;TZID=Europe/Paris:" + fmt(start + step))
        lines.append("END:VEVENT")
        events.append(("seuil-bench-%04d@pole-coop.example.ics" % i, "\r\n".join(lines) + "\r\n"))
        n += 1
    folder = os.path.join(storage, room)
    os.makedirs(folder)
    with open(os.path.join(folder, ".Radicale.props"), "w") as f:
        json.dump({"tag": "VCALENDAR", "D:displayname": names[r], "C:supported-calendar-component-set": "VEVENT"}, f)
    for name, event in events:
        with open(os.path.join(folder, name), "w", newline="") as f:
            f.write("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Pole coop//Reservations//FR\r\n" + VTZ + event +
                    "END:VCALENDAR\r\n")
    directory["rooms"].append({"id": "salle-" + room, "name": names[r], "capacity": rnd.choice([6, 8, 12, 20, 40]),
                               "doors": ["salles"], "calendar": "@HOME@/" + room + "/"})
with open(os.path.join(out, "rooms"), "w") as f:
    f.write("\n".join(rooms) + "\n")
with open(os.path.join(out, "directory.json"), "w") as f:
    json.dump(directory, f, ensure_ascii=False)
with open(os.path.join(out, "summary"), "w") as f:
    f.write("%d events (%d recurring, %d with EXDATE)\n" % (n, recurring, exdates))
PY
[ $? -eq 0 ] || die "cannot generate the data"
rooms=$(cat "$w/data/rooms")
sed "s|@HOME@|$home|g" "$w/data/directory.json" >"$w/directory.json"

# --- (a) the floor: one curl process, one sync-collection REPORT per collection -----------
report_body() { # token
	printf '<?xml version="1.0" encoding="utf-8"?>\n<D:sync-collection xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:sync-token>%s</D:sync-token><D:sync-level>1</D:sync-level><D:prop><D:getetag/><C:calendar-data/></D:prop></D:sync-collection>\n' "$1"
}
report_body "" >"$w/report-initial.xml"
# the curl config of one pass: REPORT of every collection, from "" or from tokens/<room>
curl_config() { # out file, "initial" or "tokens"
	local first=true c body
	: >"$1"
	for c in $rooms; do
		$first || echo "next" >>"$1"
		first=false
		if [ "$2" = initial ]; then
			body=$w/report-initial.xml
		else
			body=$w/report-$c.xml
			report_body "$(cat "$w/tokens/$c")" >"$body"
		fi
		cat >>"$1" <<EOF
silent
show-error
cacert = "$ca"
user = "$user:$password"
request = "REPORT"
header = "Depth: 0"
header = "Content-Type: application/xml; charset=utf-8"
data-binary = "@$body"
url = "$home/$c/"
output = "$w/floor/$c.xml"
write-out = "%{http_code} %{num_connects}\\n"
EOF
	done
}
mkdir -p "$w/floor" "$w/tokens"
curl_config "$w/floor-initial.curl" initial
floor() { # config; prints seconds; fails unless every reply is a 207
	local t0 t1
	t0=$(now_ns)
	curl -K "$1" >"$w/floor.codes" || return 1
	t1=$(now_ns)
	[ "$(grep -c '^207 ' "$w/floor.codes")" = 20 ] || return 1
	secs "$t0" "$t1"
}
# warm-up (Radicale builds its caches at the first read), and the item count
floor "$w/floor-initial.curl" >/dev/null || die "the floor's REPORTs failed: $(tr '\n' ' ' <"$w/floor.codes")"
items=$(cat "$w/floor"/*.xml | grep -o 'BEGIN:VEVENT' | wc -l)
connects=$(awk '{ n += $2 } END { print n }' "$w/floor.codes")

# --- (b) ours: a fresh store, then `seuilctl sync` --------------------------------------------
printf '%s\n' "$password" >"$w/cal.pw"
chmod 600 "$w/cal.pw"
cat >"$w/kiosk.conf" <<EOF
[device]
id = kiosk-1
[sync]
calendar_user = $user
calendar_password_file = $w/cal.pw
calendar_ca = $ca
connect_timeout_s = 5
transfer_timeout_s = 30
EOF
ctl=$build/seuilctl
fresh_store() { # db
	rm -f "$1" "$1-wal" "$1-shm"
	"$ctl" --db "$1" init --device kiosk-1 >/dev/null &&
		"$ctl" --db "$1" import "$w/directory.json" >/dev/null
}
ours() { # db; prints seconds; fails unless the 20 rooms synced
	local t0 t1
	t0=$(now_ns)
	"$ctl" --db "$1" sync --config "$w/kiosk.conf" >"$w/sync.out" 2>&1
	t1=$(now_ns)
	grep -q "^calendars: 20 rooms: .* 0 failed" "$w/sync.out" || return 1
	secs "$t0" "$t1"
}
fresh_store "$w/warm.db" || die "cannot make a store"
ours "$w/warm.db" >/dev/null || die "our first sync failed: $(cat "$w/sync.out")"
stored=$(sqlite3 "$w/warm.db" "SELECT count(*) FROM bookings")
occ=$(sqlite3 "$w/warm.db" "SELECT count(*) FROM occurrences")
[ "$stored" = 1000 ] || die "the store holds $stored items, not 1000"

floor_initial="" ours_initial=""
for i in $(seq "$runs"); do
	fresh_store "$w/kiosk.db" || die "cannot make a store"
	# alternate which goes first, so that neither always finds the server warmer
	if [ $((i % 2)) = 1 ]; then
		a=$(floor "$w/floor-initial.curl") || die "the floor failed"
		b=$(ours "$w/kiosk.db") || die "our sync failed: $(cat "$w/sync.out")"
	else
		b=$(ours "$w/kiosk.db") || die "our sync failed: $(cat "$w/sync.out")"
		a=$(floor "$w/floor-initial.curl") || die "the floor failed"
	fi
	floor_initial="$floor_initial $a"
	ours_initial="$ours_initial $b"
done

# --- (c) one change: ours against 20 token REPORTs --------------------------------------------
# the event changed each time: the first of the room "loire", its summary renumbered
href=$(sqlite3 "$w/kiosk.db" "SELECT href FROM bookings WHERE room_id = 'salle-loire' ORDER BY href LIMIT 1")
dc -o "$w/changed.ics" "https://localhost:$port$href" || die "cannot GET $href"
change() { # n: puts the event again with another summary
	sed "s/^SUMMARY:.*/SUMMARY:Réunion d'équipe (modifiée $1)\r/" "$w/changed.ics" >"$w/changed-$1.ics"
	code=$(dc -o /dev/null -w '%{http_code}' -T "$w/changed-$1.ics" -H 'Content-Type: text/calendar; charset=utf-8' \
		"https://localhost:$port$href")
	[ "$code" = 201 ] || [ "$code" = 204 ] || die "PUT of the change: HTTP $code"
}
save_tokens() {
	for c in $rooms; do
		sqlite3 "$w/kiosk.db" "SELECT sync_token FROM rooms WHERE id = 'salle-$c'" >"$w/tokens/$c"
	done
}
floor_delta="" ours_delta=""
for i in $(seq "$runs"); do
	save_tokens
	change "$i"
	curl_config "$w/floor-delta.curl" tokens
	if [ $((i % 2)) = 1 ]; then
		a=$(floor "$w/floor-delta.curl") || die "the floor's token REPORTs failed"
		b=$(ours "$w/kiosk.db") || die "our delta failed: $(cat "$w/sync.out")"
	else
		b=$(ours "$w/kiosk.db") || die "our delta failed: $(cat "$w/sync.out")"
		a=$(floor "$w/floor-delta.curl") || die "the floor's token REPORTs failed"
	fi
	grep -q "0 full, 1 delta, 19 unchanged" "$w/sync.out" || die "not a one-room delta: $(cat "$w/sync.out")"
	sqlite3 "$w/kiosk.db" "SELECT summary FROM occurrences WHERE href = '$href'" | grep -q "modifiée $i" ||
		die "the change did not arrive"
	floor_delta="$floor_delta $a"
	ours_delta="$ours_delta $b"
done

# --- (d) the peers ----------------------------------------------------------------------------
vds_initial="" vds_delta=""
if $have_vdirsyncer; then
	for i in $(seq "$peer_runs"); do
		v=$w/vdirsyncer-$i
		mkdir -p "$v"
		cat >"$v/config" <<EOF
[general]
status_path = "$v/status/"

[pair rooms]
a = "rooms_server"
b = "rooms_local"
collections = ["from a"]
conflict_resolution = "a wins"

[storage rooms_server]
type = "caldav"
url = "$home/"
username = "$user"
password = "$password"
verify = "$ca"

[storage rooms_local]
type = "filesystem"
path = "$v/calendars/"
fileext = ".ics"
EOF
		t0=$(now_ns)
		yes | vdirsyncer -c "$v/config" discover >"$v/discover.log" 2>&1 &&
			vdirsyncer -c "$v/config" sync >"$v/sync.log" 2>&1
		rc=$?
		t1=$(now_ns)
		got=$(find "$v/calendars" -name '*.ics' 2>/dev/null | wc -l)
		[ $rc = 0 ] && [ "$got" = 1000 ] || die "vdirsyncer failed ($got items): $(tail -5 "$v/discover.log" "$v/sync.log")"
		vds_initial="$vds_initial $(secs "$t0" "$t1")"
		change "v$i"
		t0=$(now_ns)
		vdirsyncer -c "$v/config" sync >"$v/sync2.log" 2>&1 || die "vdirsyncer's delta failed: $(tail -5 "$v/sync2.log")"
		t1=$(now_ns)
		grep -rq "modifiée v$i" "$v/calendars" || die "vdirsyncer did not get the change"
		vds_delta="$vds_delta $(secs "$t0" "$t1")"
	done
fi
pyc_all=""
if $have_caldav; then
	cat >"$w/fetch.py" <<'PY'
# every event of every calendar of the principal, with python3-caldav
import sys, caldav
url, user, password, ca = sys.argv[1:5]
client = caldav.DAVClient(url=url, username=user, password=password, ssl_verify_cert=ca)
n = 0
for cal in client.principal().calendars():
    for ev in cal.events():
        n += bool(ev.data)
print(n)
PY
	for i in $(seq "$peer_runs"); do
		t0=$(now_ns)
		got=$("$py" "$w/fetch.py" "$home/" "$user" "$password" "$ca" 2>"$w/caldav.log")
		t1=$(now_ns)
		[ "$got" = 1000 ] || die "python3-caldav fetched ${got:-nothing}: $(tail -3 "$w/caldav.log")"
		pyc_all="$pyc_all $(secs "$t0" "$t1")"
	done
fi

# --- figures ----------------------------------------------------------------------------------
fi_=$(median $floor_initial) oi=$(median $ours_initial)
fd=$(median $floor_delta) od=$(median $ours_delta)
echo "calendar: Radicale $("$py" -c 'import radicale; print(radicale.VERSION)') over TLS on loopback, 20 collections,"
echo "  $(cat "$w/data/summary"), $items items in the floor's replies ($connects TLS connections for 20 REPORTs),"
echo "  $occ occurrences stored; runs: ours/floor $runs, peers $peer_runs"
echo "  initial, runs (s): ours$ours_initial; floor$floor_initial${vds_initial:+; vdirsyncer$vds_initial}${pyc_all:+; python3-caldav$pyc_all}"
echo "  delta, runs (s): ours$ours_delta; floor$floor_delta${vds_delta:+; vdirsyncer$vds_delta}"
r=$(ratio "$oi" "$fi_")
line="calendar: initial sync + expansion of 1000 events (20 rooms): ours median $oi s, curl floor $fi_ s (ratio $r, target <= 1.5: $(verdict at_most "$r" 1.5))"
if [ -n "$vds_initial" ]; then
	vi=$(median $vds_initial)
	r=$(ratio "$vi" "$oi")
	line="$line, vdirsyncer $vi s (${r}x faster, target >= 5x: $(verdict at_least "$r" 5))"
else
	line="$line, vdirsyncer not installed"
fi
if [ -n "$pyc_all" ]; then
	line="$line, python3-caldav $(median $pyc_all) s ($(ratio "$(median $pyc_all)" "$oi")x ours)"
else
	line="$line, python3-caldav not installed"
fi
echo "$line"
r=$(ratio "$od" "$fd")
line="calendar: one-change delta over 20 rooms: ours median $od s, curl floor of 20 token REPORTs $fd s (ratio $r, target <= 1.5: $(verdict at_most "$r" 1.5))"
if [ -n "$vds_delta" ]; then
	vd=$(median $vds_delta)
	r=$(ratio "$vd" "$od")
	line="$line, vdirsyncer $vd s (${r}x faster, target >= 5x: $(verdict at_least "$r" 5))"
fi
echo "$line"
