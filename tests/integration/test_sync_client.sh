#!/bin/bash
# test_sync_client.sh - seuil-sync and `seuilctl sync` against small
# servers started here: `openssl s_server -WWW` for TLS (site CA, client
# certificate, host name, pin) and a loopback HTTP office in python3 for the
# protocol (batches, acknowledgements, commands run once, Retry-After, a
# reply too large, a trickling server, the wake socket, SIGTERM).  Every
# refusal must leave the database exactly as it was.  The whole exchange
# with the real seuil-office is the end-to-end tests' business.
# usage: test_sync_client.sh [BUILD_DIR]
set -u
build=${1:-build}
build=$(cd "$build" && pwd)
ctl="$build/seuilctl"
syncd="$build/seuil-sync"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sync-client-test.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
unset TZ http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
show() { sed 's/^/#   /' "$tmp/out" "$tmp/err"; }
expect_exit() { # description, expected status, command...
	local what=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then ok "$what"; else not_ok "$what (exit $got, wanted $want)"; show; fi
}
out_has() { grep -q -- "$2" "$tmp/out" && ok "$1" || { not_ok "$1"; show; }; }
err_has() { grep -q -- "$2" "$tmp/err" && ok "$1" || { not_ok "$1"; show; }; }
same() { [ "$2" = "$3" ] && ok "$1" || { not_ok "$1"; echo "#   got:    $2"; echo "#   wanted: $3"; }; }
# every row of every table but sync_state (which records each attempt)
dump() {
	sqlite3 "$1" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name <> 'sync_state' ORDER BY name" |
		while read -r t; do echo "[$t]"; sqlite3 "$1" "SELECT * FROM \"$t\"" | sort; done
	sqlite3 "$1" "SELECT key, value FROM sync_state WHERE key IN ('cursor', 'acked_seq') OR key LIKE 'command:%' ORDER BY key"
}
state() { sqlite3 "$1" "SELECT value FROM sync_state WHERE key = '$2'"; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() { # port: until something listens
	for _ in $(seq 1 100); do
		python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $1), 0.2).close()" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

command -v openssl >/dev/null && command -v python3 >/dev/null && command -v sqlite3 >/dev/null || {
	echo "not ok - openssl, python3 and sqlite3 are needed (make deps)"
	exit 1
}

new_db() { # path: an initialised store of device entree-1
	SEUIL_DB=$1 "$ctl" init --device entree-1 >/dev/null
}

# ---------------------------------------------------------------- a loopback office in python

cat >"$tmp/office.py" <<'PY'
# A loopback office for the client's tests: the office API's four requests,
# recorded in requests.log; what it answers is steered by files in its folder.
import http.server, json, os, sys, time
folder, port = sys.argv[1], int(sys.argv[2])

def read(name, default=None):
    try:
        with open(os.path.join(folder, name)) as f:
            return f.read()
    except FileNotFoundError:
        return default

class Office(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    acked = 0
    def log_message(self, *args):
        pass
    def send(self, status, body, headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
    def record(self, body=b""):
        with open(os.path.join(folder, "requests.log"), "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path, body.decode()))
    def handle_any(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n) if n else b""
        self.record(body)
        mode = (read("mode", "") or "").strip()
        if mode == "429":
            return self.send(429, '{"error": "slow down"}', [("Retry-After", "7")])
        if mode == "503-date":
            when = time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime(time.time() + 30))
            return self.send(503, '{"error": "maintenance"}', [("Retry-After", when)])
        path = self.path.split("?")[0]
        if self.command == "POST" and path == "/v1/events":
            events = json.loads(body)["events"]
            # an empty batch asks what the office holds
            acked = max([e["seq"] for e in events] + [Office.acked])
            Office.acked = acked
            if mode == "ack-beyond":
                acked += 100
            return self.send(200, json.dumps({"acked_seq": acked}))
        if self.command == "GET" and path == "/v1/directory":
            if mode == "huge":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()  # no length: the client must stop by itself
                self.wfile.write(b'{"cursor": "x", "full": false, "pad": "')
                chunk = b"x" * (1 << 20)
                try:
                    for _ in range(80):
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return
            if mode == "trickle":
                self.send_response(200)
                self.send_header("Content-Length", "1000")
                self.end_headers()
                try:
                    for _ in range(1000):
                        self.wfile.write(b" ")
                        self.wfile.flush()
                        time.sleep(1)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True
                return
            return self.send(200, read("directory.json", '{"cursor": "0", "full": false}'))
        if self.command == "GET" and path == "/v1/commands":
            return self.send(200, read("commands.json", '{"commands": []}'))
        if self.command == "POST" and path == "/v1/commands/ack":
            return self.send(200, json.dumps({"acked": len(json.loads(body)["ids"])}))
        return self.send(404, '{"error": "no such endpoint"}')
    do_GET = handle_any
    do_POST = handle_any

http.server.ThreadingHTTPServer(("127.0.0.1", port), Office).serve_forever()
PY

office="$tmp/office"
mkdir -p "$office"
hport=$(free_port)
python3 "$tmp/office.py" "$office" "$hport" &
pids="$pids $!"
wait_port "$hport" || { echo "not ok - the python office did not start"; exit 1; }

cat >"$office/directory.json" <<'JSON'
{"cursor": "c1", "full": true, "served_by": "test",
 "directory": {
  "site": {"name": "Pôle de coopération", "timezone": "Europe/Paris"},
  "doors": [{"id": "entree", "name": "Entrée principale"}],
  "schedules": [{"id": "bureaux", "windows": [{"days": "mon-fri", "from": "07:00", "to": "20:00"}]}],
  "profiles": [{"id": "resident", "doors": ["entree"], "schedule": "bureaux"}],
  "tenants": [{"id": "scop-btp", "name": "Scop BTP", "profiles": ["resident"]}],
  "people": [{"id": "p-camille", "name": "Camille Martin", "tenant": "scop-btp"}],
  "credentials": [{"uid": "04A1B2C3D4E5F6", "person": "p-camille"}],
  "invites": [{"id": "inv-31", "name": "Dominique Roux", "organisation": "Mairie de Nantes",
               "host": "p-camille", "day": "2026-11-27", "code": "K7P2QX"}]},
 "deleted": {}}
JSON
# issued now: an unlock_for older than ten minutes is refused as expired
issued=$(date -u +%Y-%m-%dT%H:%M:%SZ)
cat >"$office/commands.json" <<JSON
{"commands": [
  {"id": 88, "command": "lockdown", "arg": "on", "issued": "$issued"},
  {"id": 89, "command": "unlock_for", "arg": "600", "issued": "$issued"},
  {"id": 90, "command": "reboot", "arg": "", "issued": "$issued"}]}
JSON
cat >"$tmp/plain.conf" <<EOF
[device]
id = entree-1
[sync]
url = http://127.0.0.1:$hport
batch = 2
connect_timeout_s = 2
transfer_timeout_s = 4
backoff_max_s = 60
wake = $tmp/sync.sock
EOF
db="$tmp/kiosk.db"
new_db "$db"
export SEUIL_DB="$db"
"$ctl" lockdown on >/dev/null && "$ctl" lockdown off >/dev/null && "$ctl" lockdown on >/dev/null &&
	"$ctl" lockdown off >/dev/null && "$ctl" lockdown on >/dev/null
"$ctl" lockdown off >/dev/null
newest=$(sqlite3 "$db" "SELECT max(seq) FROM events")

echo "# plain http: only to loopback, only when asked"
before=$(dump "$db")
expect_exit "http://127.0.0.1 without --insecure-loopback is refused (exit 2)" 2 "$ctl" sync --config "$tmp/plain.conf"
err_has "with a clear error naming the flag" "refusing plain http:// to 127.0.0.1.*--insecure-loopback"
expect_exit "seuil-sync --once refuses it too" 2 "$syncd" --once --config "$tmp/plain.conf"
out_has "and says which step failed" "^setup: failed$"
sed "s|^url = .*|url = http://192.0.2.10:$hport|" "$tmp/plain.conf" >"$tmp/far.conf"
expect_exit "http to a non-loopback address is refused even with --insecure-loopback" 2 \
	"$ctl" sync --config "$tmp/far.conf" --insecure-loopback
err_has "with a clear error" "allows only 127.0.0.0/8, ::1 and localhost"
sed "s|^url = .*|url = http://localhost.example.org:$hport|" "$tmp/plain.conf" >"$tmp/far.conf"
expect_exit "a name that merely starts with localhost is refused" 2 \
	"$ctl" sync --config "$tmp/far.conf" --insecure-loopback
same "nothing reached the office" "$(cat "$office/requests.log" 2>/dev/null)" ""
same "and nothing changed in the store" "$(dump "$db")" "$before"
same "the refusal is the sync status' last error" "$(state "$db" last_error | cut -c1-40)" \
	"refusing plain http:// to localhost.exam"

echo "# one sync: outbox in batches, full directory, commands"
expect_exit "seuilctl sync --insecure-loopback succeeds (exit 0)" 0 "$ctl" sync --config "$tmp/plain.conf" --insecure-loopback
out_has "it prints the push" "^push: 6 events in 3 batches, acked_seq $newest, 0 waiting$"
out_has "the pull" "^pull: full, cursor c1: 7 written .*invites 1), 0 deleted, 0 removed$"
out_has "the commands" "^commands: 2 executed, 1 refused, 0 repeated, 3 acknowledged$"
out_has "and ends with sync: ok" "^sync: ok$"
same "batches of [sync] batch events, oldest first" \
	"$(grep '^POST /v1/events' "$office/requests.log" | python3 -c 'import sys,json
for l in sys.stdin: print(",".join(str(e["seq"]) for e in json.loads(l.split(" ",2)[2])["events"]))' | tr '\n' ' ')" \
	"1,2 3,4 5,6 "
same "each batch names the device" "$(grep -c '"device":"entree-1"' "$office/requests.log")" 4
same "the first pull has no cursor" "$(grep -c '^GET /v1/directory $' "$office/requests.log")" 1
same "the acknowledgement lists every command" "$(grep '^POST /v1/commands/ack' "$office/requests.log" | cut -d' ' -f3-)" \
	'{"device":"entree-1","ids":[88,89,90]}'
same "acked_seq is stored" "$(state "$db" acked_seq)" "$newest"
same "the cursor is stored" "$(state "$db" cursor)" "c1"
same "the directory is there" "$(sqlite3 "$db" "SELECT name FROM sites")" "Pôle de coopération"
same "with the invitation" "$(sqlite3 "$db" "SELECT code FROM invites WHERE id = 'inv-31'")" "K7P2QX"
same "lockdown is on, journaled as the office's" "$(sqlite3 "$db" "SELECT value FROM settings WHERE key = 'lockdown'") \
$(sqlite3 "$db" "SELECT reason || '/' || detail FROM events WHERE kind = 'lockdown' ORDER BY seq DESC LIMIT 1")" "1 on/office"
same "unlock_for waits for the door as a request" "$(sqlite3 "$db" "SELECT kind || ' ' || body || ' ' || state FROM requests")" \
	"unlock_for 600 pending"
same "the unknown command is journaled as refused" \
	"$(sqlite3 "$db" "SELECT reason FROM events WHERE kind = 'command' AND detail LIKE '%reboot%'")" "refused"
"$ctl" status >"$tmp/out" 2>"$tmp/err"
out_has "seuilctl status shows the last sync" "^last sync:    20"

echo "# the next sync: cursor, commands not run twice"
: >"$office/requests.log"
expect_exit "a second sync succeeds" 0 "$syncd" --once --config "$tmp/plain.conf" --insecure-loopback
same "it sends the cursor" "$(grep -c '^GET /v1/directory?cursor=c1 ' "$office/requests.log")" 1
out_has "it pushes the events the commands journaled" "^push: 3 events in 2 batches"
out_has "commands fetched again are acknowledged, not run again" "^commands: 0 executed, 0 refused, 3 repeated, 3 acknowledged$"
same "lockdown journaled once" "$(sqlite3 "$db" "SELECT count(*) FROM events WHERE kind = 'lockdown' AND detail = 'office'")" 1
same "one unlock request" "$(sqlite3 "$db" "SELECT count(*) FROM requests")" 1

echo "# failures keep everything"
cat >"$office/directory.json" <<'JSON'
{"cursor": "c2", "full": false,
 "directory": {"people": [{"id": "p-new", "name": "New", "tenant": "scop-btp"},
                          {"id": "p-bad", "name": "Bad", "tenant": "scop-xyz"}]},
 "deleted": {"people": ["p-camille"]}}
JSON
echo '{"commands": []}' >"$office/commands.json"
"$ctl" lockdown off >/dev/null
before=$(dump "$db")
expect_exit "a directory with one bad entry fails the sync" 2 "$ctl" sync --config "$tmp/plain.conf" --insecure-loopback
err_has "naming the entry" 'directory.people\[1\].tenant: no tenant with id "scop-xyz"'
out_has "after the push" "^push: 1 events in 1 batch"
out_has "at the pull" "^pull: failed$"
after=$(dump "$db")
same "the directory and the cursor are unchanged (only the push's acknowledgement moved)" \
	"$(echo "$after" | grep -v '^acked_seq')" "$(echo "$before" | grep -v '^acked_seq')"
echo '{"cursor": "c2", "full": false}' >"$office/directory.json"

"$ctl" lockdown on >/dev/null
echo ack-beyond >"$office/mode"
before=$(dump "$db" | grep -v '^cursor|')
expect_exit "an acknowledgement beyond the newest event fails" 2 "$ctl" sync --config "$tmp/plain.conf" --insecure-loopback
err_has "saying so" "newest event is"
same "and acked_seq stays (nothing else moves but the cursor)" "$(dump "$db" | grep -v '^cursor|')" "$before"
same "the directory still comes: a revocation does not wait on the outbox" "$(state "$db" cursor)" "c2"

echo 429 >"$office/mode"
expect_exit "HTTP 429 fails the sync" 2 "$syncd" --once --config "$tmp/plain.conf" --insecure-loopback
err_has "with the office's message and its Retry-After" "HTTP 429: slow down (Retry-After: 7 s)"
delay=$(sqlite3 "$db" "SELECT (SELECT value FROM sync_state WHERE key = 'next_attempt_ms') - (SELECT value FROM sync_state WHERE key = 'last_attempt_ms')")
[ "$delay" -ge 6990 ] && [ "$delay" -le 7010 ] && ok "the next attempt honours Retry-After: 7 ($delay ms)" ||
	not_ok "the next attempt honours Retry-After: 7 ($delay ms)"
same "the status keeps the error" "$(state "$db" last_error)" "POST /v1/events: HTTP 429: slow down (Retry-After: 7 s)"
echo 503-date >"$office/mode"
expect_exit "HTTP 503 with a date in Retry-After fails" 2 "$syncd" --once --config "$tmp/plain.conf" --insecure-loopback
delay=$(sqlite3 "$db" "SELECT (SELECT value FROM sync_state WHERE key = 'next_attempt_ms') - (SELECT value FROM sync_state WHERE key = 'last_attempt_ms')")
[ "$delay" -ge 27000 ] && [ "$delay" -le 31000 ] && ok "a Retry-After date is honoured too ($delay ms)" ||
	not_ok "a Retry-After date is honoured too ($delay ms)"
rm -f "$office/mode"
expect_exit "then the office answers again" 0 "$ctl" sync --config "$tmp/plain.conf" --insecure-loopback
same "and the error is gone" "$(state "$db" last_error)" ""

echo huge >"$office/mode"
before=$(dump "$db")
expect_exit "a reply beyond 64 MiB is cut off" 2 "$ctl" sync --config "$tmp/plain.conf" --insecure-loopback
err_has "saying so" "reply larger than 67108864 bytes"
same "nothing changed" "$(dump "$db")" "$before"
echo trickle >"$office/mode"
start=$(date +%s)
expect_exit "a trickling office fails within the transfer timeout" 2 "$ctl" sync --config "$tmp/plain.conf" --insecure-loopback
took=$(($(date +%s) - start))
[ "$took" -le 8 ] && ok "in bounded time (${took}s for transfer_timeout_s = 4)" || not_ok "in bounded time (${took}s)"
err_has "as a timeout" "GET /v1/directory?cursor=c2: timed out"
rm -f "$office/mode"

echo "# the daemon: interval, wake socket, SIGTERM"
sed 's/^batch = 2$/interval_s = 3600/' "$tmp/plain.conf" >"$tmp/daemon.conf"
: >"$office/requests.log"
"$syncd" --config "$tmp/daemon.conf" --insecure-loopback 2>"$tmp/daemon.err" &
dpid=$!
pids="$pids $dpid"
count_pulls() { grep -c '^GET /v1/directory' "$office/requests.log" 2>/dev/null; }
for _ in $(seq 1 50); do [ "$(count_pulls)" -ge 1 ] && break; sleep 0.1; done
same "it syncs at start" "$(count_pulls)" 1
[ -S "$tmp/sync.sock" ] && ok "the wake socket is there" || not_ok "the wake socket is there"
same "mode 0660" "$(stat -c %a "$tmp/sync.sock")" 660
python3 -c "import socket,sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close()" "$tmp/sync.sock"
for _ in $(seq 1 50); do [ "$(count_pulls)" -ge 2 ] && break; sleep 0.1; done
same "a poke syncs at once (interval 3600 s)" "$(count_pulls)" 2
expect_exit "a second daemon on the same socket is refused" 2 "$syncd" --config "$tmp/daemon.conf" --insecure-loopback
err_has "saying why" "another seuil-sync running"
kill -TERM "$dpid"
for _ in $(seq 1 30); do kill -0 "$dpid" 2>/dev/null || break; sleep 0.1; done
wait "$dpid"
same "SIGTERM ends it cleanly (exit 0)" "$?" 0
[ ! -e "$tmp/sync.sock" ] && ok "and removes its socket" || not_ok "and removes its socket"
grep -qiE '04A1B2C3D4E5F6|Camille|Dominique' "$tmp/daemon.err" && not_ok "its log names no badge and no person" ||
	ok "its log names no badge and no person"

echo 429 >"$office/mode"
: >"$office/requests.log"
"$syncd" --config "$tmp/daemon.conf" --insecure-loopback 2>>"$tmp/daemon.err" &
dpid=$!
pids="$pids $dpid"
count_requests() { wc -l <"$office/requests.log"; }
for _ in $(seq 1 50); do [ "$(count_requests)" -ge 1 ] && break; sleep 0.1; done
python3 -c "import socket,sys; s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); s.close()" "$tmp/sync.sock"
sleep 1.5
same "during the office's Retry-After a poke does not reach the office" "$(count_requests)" 1
same "the status says when the next attempt is due" \
	"$(sqlite3 "$db" "SELECT (SELECT value FROM sync_state WHERE key = 'next_attempt_ms') - (SELECT value FROM sync_state WHERE key = 'last_attempt_ms') BETWEEN 6990 AND 7010")" 1
kill -TERM "$dpid"
wait "$dpid"
rm -f "$office/mode"

# ---------------------------------------------------------------- TLS with openssl s_server

echo "# https: site CA, host name, client certificate, pin"
pki="$tmp/pki"
mkdir -p "$pki"
(
	cd "$pki" || exit 1
	sub() { openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$2" 2>/dev/null; }
	ca() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$1.key" -out "$1.pem" -days 2 -subj "/CN=$2" 2>/dev/null; }
	sign() { # name ca ext
		printf '%s\n' "$3" >"$1.ext"
		openssl x509 -req -in "$1.csr" -CA "$2.pem" -CAkey "$2.key" -CAcreateserial -days 2 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
	}
	ca site "Seuil test site CA" && ca other "Another CA" &&
		sub server localhost && sign server site "subjectAltName=DNS:localhost" &&
		sub device entree-1 && sign device site "extendedKeyUsage=clientAuth"
) || { echo "not ok - making the test certificates"; exit 1; }
pin="sha256//$(openssl x509 -in "$pki/server.pem" -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64)"
www="$tmp/www"
mkdir -p "$www/v1"
cat >"$www/v1/directory" <<'JSON'
{"cursor": "t1", "full": true,
 "directory": {"site": {"name": "Site TLS", "timezone": "Europe/Paris"}, "doors": [{"id": "entree"}]}}
JSON
echo '{"commands": []}' >"$www/v1/commands"
sport=$(free_port)
(cd "$www" && exec openssl s_server -quiet -WWW -accept "127.0.0.1:$sport" -cert "$pki/server.pem" -key "$pki/server.key" \
	-CAfile "$pki/site.pem" -Verify 1 -verify_return_error >/dev/null 2>&1) &
pids="$pids $!"
wait_port "$sport" || { echo "not ok - openssl s_server did not start"; exit 1; }
tls_conf() { # file url ca pin cert
	cat >"$1" <<EOF
[device]
id = entree-1
[sync]
url = $2
ca = $3
pin = $4
cert = $5
key = ${5:+${5%.pem}.key}
connect_timeout_s = 3
transfer_timeout_s = 5
EOF
}
fresh() { rm -f "$tmp/tls.db"*; new_db "$tmp/tls.db"; }
good="https://localhost:$sport"

fresh
tls_conf "$tmp/tls.conf" "$good" "$pki/site.pem" "" "$pki/device.pem"
expect_exit "the site CA, its host name and the device's certificate: the sync succeeds" 0 \
	"$ctl" --db "$tmp/tls.db" sync --config "$tmp/tls.conf"
out_has "the full directory is applied" "^pull: full, cursor t1"
same "the site is there" "$(sqlite3 "$tmp/tls.db" "SELECT name FROM sites")" "Site TLS"

fresh
before=$(dump "$tmp/tls.db")
tls_conf "$tmp/tls.conf" "$good" "$pki/other.pem" "" "$pki/device.pem"
expect_exit "a CA that does not match is refused (exit 2)" 2 "$ctl" --db "$tmp/tls.db" sync --config "$tmp/tls.conf"
err_has "with a clear error" "the office's certificate is refused (\[sync\] ca"
same "and nothing changed" "$(dump "$tmp/tls.db")" "$before"
expect_exit "seuil-sync --once refuses it too" 2 "$syncd" --once --db "$tmp/tls.db" --config "$tmp/tls.conf"
same "still nothing changed" "$(dump "$tmp/tls.db")" "$before"

tls_conf "$tmp/tls.conf" "https://127.0.0.1:$sport" "$pki/site.pem" "" "$pki/device.pem"
expect_exit "a certificate for another host name is refused" 2 "$ctl" --db "$tmp/tls.db" sync --config "$tmp/tls.conf"
err_has "naming the host" "certificate is refused.*127.0.0.1"

tls_conf "$tmp/tls.conf" "$good" "$pki/site.pem" "sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" "$pki/device.pem"
expect_exit "a wrong pin is refused (exit 2)" 2 "$ctl" --db "$tmp/tls.db" sync --config "$tmp/tls.conf"
err_has "with a clear error" "public key does not match \[sync\] pin"
same "and nothing changed" "$(dump "$tmp/tls.db")" "$before"

tls_conf "$tmp/tls.conf" "$good" "$pki/site.pem" "" ""
expect_exit "without a client certificate the office refuses the handshake" 2 "$ctl" --db "$tmp/tls.db" sync --config "$tmp/tls.conf"
same "and nothing changed" "$(dump "$tmp/tls.db")" "$before"

tls_conf "$tmp/tls.conf" "http://localhost:$sport" "$pki/site.pem" "" "$pki/device.pem"
expect_exit "plain http to the TLS port is refused without the flag" 2 "$ctl" --db "$tmp/tls.db" sync --config "$tmp/tls.conf"

tls_conf "$tmp/tls.conf" "$good" "$pki/site.pem" "$pin" "$pki/device.pem"
expect_exit "the right pin: the sync succeeds" 0 "$ctl" --db "$tmp/tls.db" sync --config "$tmp/tls.conf"
same "the site is there" "$(sqlite3 "$tmp/tls.db" "SELECT name FROM sites")" "Site TLS"

echo "sync client: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
