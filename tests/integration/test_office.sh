#!/bin/bash
# test_office.sh - seuil-office as a site runs it: certificates made by
# dist/make-site-certs, the sample directory imported, `serve` on a free
# port, every endpoint through curl with client certificates (happy paths
# and error statuses), refused clients (no certificate, another CA's,
# an expired one), commands, events stored once, the e-mail of a check-in
# reaching a real SMTP server on loopback (aiosmtpd), the test-only faults
# and plain HTTP, and a clean stop on SIGTERM (under ASan: no leak).
# usage: test_office.sh [BUILD_DIR]
set -u
build=${1:-build}
office="$(cd "$build" && pwd)/seuil-office"
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/office-test.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
show() { sed 's/^/#   /' "$@" | head -n 20; }
check() { # description, then a command that must succeed
	local what=$1
	shift
	if "$@" >"$tmp/out" 2>"$tmp/err"; then ok "$what"; else not_ok "$what"; show "$tmp/out" "$tmp/err"; fi
}
expect_exit() { # description, expected status, command...
	local what=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then ok "$what"; else not_ok "$what (exit $got, wanted $want)"; show "$tmp/out" "$tmp/err"; fi
}
has() { # description, file, pattern
	if grep -q -- "$3" "$2"; then ok "$1"; else not_ok "$1"; show "$2"; fi
}
lacks() {
	if grep -q -- "$3" "$2"; then not_ok "$1"; show "$2"; else ok "$1"; fi
}
free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# ---- certificates, configuration, directory -----------------------------
certs=$tmp/certs
check "make-site-certs makes the CA, the server and two kiosks" \
	sh "$top/dist/make-site-certs" "$certs" --server-name localhost --server-ip 127.0.0.1 --device entree-1 --device entree-2
check "a kiosk whose certificate expired" sh "$top/dist/make-site-certs" "$certs" --device perime --expired
check "another site's CA and kiosk" sh "$top/dist/make-site-certs" "$tmp/other" --device entree-1
if [ "$(stat -c %a "$certs/site-ca.key")" = 600 ] && [ "$(stat -c %a "$certs/entree-1.key")" = 600 ]; then
	ok "keys are 0600"
else
	not_ok "keys are 0600"
fi
check "the server certificate names localhost and 127.0.0.1" \
	sh -c "openssl x509 -in '$certs/server.pem' -noout -ext subjectAltName | grep -q 'DNS:localhost, IP Address:127.0.0.1'"
check "a kiosk certificate: CN is the device, client authentication" \
	sh -c "openssl x509 -in '$certs/entree-1.pem' -noout -subject -ext extendedKeyUsage | tr -d ' ' | grep -q 'CN=entree-1' &&
	       openssl x509 -in '$certs/entree-1.pem' -noout -ext extendedKeyUsage | grep -q 'Client Authentication'"
expect_exit "make-site-certs refuses a device id with a space" 2 sh "$top/dist/make-site-certs" "$certs" --device "a b"

smtp_port=$(free_port)
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$tmp/mail" \
	>"$tmp/smtp.log" 2>&1 &
pids="$pids $!"

cat >"$tmp/office.conf" <<EOF
[office]
listen = 127.0.0.1
cert = $certs/server.pem
key = $certs/server.key
ca = $certs/site-ca.pem
db = $tmp/office.db
smtp_url = smtp://127.0.0.1:$smtp_port
smtp_from = seuil@pole.example
smtp_starttls = no
[log]
level = debug
EOF
o() { "$office" --config "$tmp/office.conf" "$@"; }

expect_exit "events before any database is an error (2)" 2 o events
for cmd in serve import export events devices command invite; do
	expect_exit "$cmd --help" 0 o "$cmd" --help
done
expect_exit "an unknown command is an error (2)" 2 o frobnicate
expect_exit "a missing --config file is an error (2)" 2 "$office" --config "$tmp/none.conf" devices
check "import the sample directory" o import "$top/dist/examples/directory.json"
has "import says what it imported" "$tmp/out" "imported 2 doors"
printf '{"people": [{"id": "p-x", "name": "X", "tenant": "nulle-part"}]}' >"$tmp/bad.json"
expect_exit "an import naming an unknown tenant is refused (2)" 2 o import "$tmp/bad.json"
has "and says where" "$tmp/err" 'people\[0\].tenant'

# ---- serving ------------------------------------------------------------
# start_server NAME [serve options...]: sets port and server_pid
start_server() {
	local name=$1
	shift
	"$office" --config "$tmp/office.conf" serve --port 0 "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	server_pid=$!
	pids="$pids $server_pid"
	port=""
	for _ in $(seq 1 100); do
		port=$(sed -n 's|^listening on https\{0,1\}://127.0.0.1:\([0-9][0-9]*\)$|\1|p' "$tmp/$name.out")
		[ -n "$port" ] && break
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -n "$port" ]; then ok "serve $* listens ($name)"; else not_ok "serve $* listens ($name)"; show "$tmp/$name.err"; fi
}
# stop_server NAME [SIGNAL]: SIGTERM (or SIGNAL), then the exit status must be 0 (under ASan, no leak either)
stop_server() {
	local sig=${2:-TERM}
	kill "-$sig" "$server_pid"
	wait "$server_pid"
	local rc=$?
	if [ "$rc" -eq 0 ]; then ok "SIG$sig stops the server cleanly ($1)"; else not_ok "SIG$sig stops the server cleanly ($1, exit $rc)"; show "$tmp/$1.err"; fi
}
# call METHOD PATH [BODY_FILE] [DEVICE]: the status in $status, the body in $tmp/body
call() {
	local method=$1 path=$2 data=${3:-} dev=${4:-entree-1}
	local args=(-sS --max-time 20 -o "$tmp/body" -w '%{http_code}' --cacert "$certs/site-ca.pem"
		--cert "$certs/$dev.pem" --key "$certs/$dev.key" -X "$method")
	[ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data-binary "@$data")
	status=$(curl "${args[@]}" "https://127.0.0.1:$port$path" 2>"$tmp/curl.err")
}
status_is() { # description, wanted status
	if [ "$status" = "$2" ]; then ok "$1"; else not_ok "$1 (status $status, wanted $2)"; show "$tmp/body" "$tmp/curl.err"; fi
}
json() { # python expression on the parsed body as j
	/usr/bin/python3 -c "import json, sys; j = json.load(open(sys.argv[1])); sys.exit(0 if ($1) else 1)" "$tmp/body"
}
json_is() { # description, expression
	if json "$2" 2>/dev/null; then ok "$1"; else not_ok "$1"; show "$tmp/body"; fi
}
count_events() { o events | wc -l; }

start_server main

call GET /v1/directory
status_is "GET /v1/directory: 200" 200
json_is "the first pull is full, with the site and every door" \
	'j["full"] is True and j["directory"]["site"]["name"] == "Pôle de coopération" and len(j["directory"]["doors"]) == 2 and j["deleted"] == {}'
cursor=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cursor"])' "$tmp/body")
call GET "/v1/directory?cursor=$cursor"
json_is "pulling again with the cursor: nothing changed" "j['full'] is False and j['directory'] == {} and j['cursor'] == '$cursor'"
call GET "/v1/directory?cursor=999999999"
json_is "a cursor ahead of the office: full" 'j["full"] is True'
check "invite prints a code" o invite --name "Dominique Roux" --organisation "Mairie de Nantes" --host p-camille --day 2026-11-27
code=$(cat "$tmp/out")
has "the code is 8 characters from A-Z and 2-9" "$tmp/out" '^[A-HJ-NP-Z2-9]\{8\}$'
expect_exit "invite for an unknown host is an error (2)" 2 o invite --name X --host p-nobody --day 2026-11-27
call GET "/v1/directory?cursor=$cursor"
json_is "the next pull sends the invitation, and nothing else" \
	"j['full'] is False and list(j['directory']) == ['invites'] and j['directory']['invites'][0]['code'] == '$code' and j['directory']['invites'][0]['host'] == 'p-camille'"
printf '{"doors": [{"id": "entree", "name": "Entrée principale"}, {"id": "salles", "name": "Salles"}]}' >"$tmp/rename.json"
o import "$tmp/rename.json" >/dev/null
call GET "/v1/directory?cursor=$cursor"
json_is "a renamed door: every door, in order" \
	'[d["id"] for d in j["directory"]["doors"]] == ["entree", "salles"] and j["directory"]["doors"][1]["name"] == "Salles"'

cursor=$(/usr/bin/python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["cursor"])' "$tmp/body")
printf '{"invites": [{"id": "inv-tournage", "name": "Équipe de tournage", "host_tenant": "radio-asso", "day": "2026-11-28", "code": "TOURNAGE2"}]}' >"$tmp/invites.json"
check "import takes invitations" o import "$tmp/invites.json"
call GET "/v1/directory?cursor=$cursor"
json_is "and the next pull sends them" \
	'[i["id"] for i in j["directory"]["invites"]] == ["inv-tournage"] and j["directory"]["invites"][0]["host_tenant"] == "radio-asso"'
check "export prints the directory" o export
cp "$tmp/out" "$tmp/export.json"
check "which imports into an empty office" "$office" --config "$tmp/office.conf" --db "$tmp/copy.db" import --replace "$tmp/export.json"
"$office" --config "$tmp/office.conf" --db "$tmp/copy.db" export >"$tmp/export2.json" 2>/dev/null
check "and exports the same again" cmp "$tmp/export.json" "$tmp/export2.json"

call GET /v1/commands
status_is "GET /v1/commands: 200" 200
json_is "no command yet" 'j == {"commands": []}'
check "command entree-1 lockdown on" o command entree-1 lockdown on
id=$(cat "$tmp/out")
expect_exit "command with a bad argument is refused (2)" 2 o command entree-1 unlock_for 99999
expect_exit "an unknown command is refused (2)" 2 o command entree-1 reboot
expect_exit "a command for a kiosk that never synced is refused (2)" 2 o command entree-l lockdown on
check "unless --force" o command --force entree-9 sync_now
call GET /v1/commands
json_is "GET /v1/commands shows it" "j['commands'][0]['id'] == $id and j['commands'][0]['command'] == 'lockdown' and j['commands'][0]['arg'] == 'on'"
call GET /v1/commands "" entree-2
json_is "another kiosk does not see it" 'j == {"commands": []}'
printf '{"device": "entree-1", "ids": [%s]}' "$id" >"$tmp/ack.json"
call POST /v1/commands/ack "$tmp/ack.json"
status_is "POST /v1/commands/ack: 200" 200
json_is "one command acknowledged" 'j == {"acked": 1}'
call GET /v1/commands
json_is "and it is not sent again" 'j == {"commands": []}'
call POST /v1/commands/ack "$tmp/ack.json" entree-2
status_is "acknowledging in another kiosk's name: 403" 403
json_is "with a JSON error" '"entree-2" in j["error"] or "not this device" in j["error"]'

cat >"$tmp/batch.json" <<'EOF'
{"device": "entree-1",
 "events": [
   {"seq": 1, "at": "2026-11-27T08:00:00.123Z", "device": "entree-1", "kind": "decision",
    "door": "entree", "granted": true, "reason": "granted", "person": "p-camille",
    "tenant": "scop-btp", "credential_hash": "c1856634be3e01c3e243c49f150b4c26"},
   {"seq": 2, "at": "2026-11-27T08:03:10.004Z", "device": "entree-1", "kind": "checkin", "door": "entree",
    "visitor": 17, "credential_hash": "c1856634be3e01c3e243c49f150b4c26",
    "detail": "{\"name\":\"Dominique Roux\",\"organisation\":\"Mairie de Nantes\",\"host\":\"p-sacha\",\"purpose\":\"Réunion\"}"}
 ]}
EOF
call POST /v1/events "$tmp/batch.json"
status_is "POST /v1/events: 200" 200
json_is "acknowledged up to 2" 'j == {"acked_seq": 2}'
call POST /v1/events "$tmp/batch.json"
json_is "the same batch again: acknowledged, not stored twice" 'j == {"acked_seq": 2}'
check "two events stored" test "$(count_events)" -eq 2
printf '{"device": "entree-1", "events": [{"seq": 4, "at": "2026-11-27T09:00:00Z", "kind": "decision"}]}' >"$tmp/gap.json"
call POST /v1/events "$tmp/gap.json"
json_is "a gap: stored, acknowledged below it" 'j == {"acked_seq": 2}'

# the host of the check-in has an address: the e-mail reaches the SMTP server
mail=""
for _ in $(seq 1 100); do
	mail=$(find "$tmp/mail/new" -type f 2>/dev/null | head -n 1)
	[ -n "$mail" ] && break
	sleep 0.1
done
if [ -n "$mail" ]; then ok "the check-in's e-mail reached the SMTP server"; else not_ok "the check-in's e-mail reached the SMTP server"; show "$tmp/main.err" "$tmp/smtp.log"; fi
/usr/bin/python3 - "$mail" >"$tmp/mail.txt" 2>&1 <<'EOF'
import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
print("To:", m["To"])
print("Subject:", m["Subject"])
print(m.get_content())
EOF
has "to the host's address" "$tmp/mail.txt" "^To: accueil@pole.example"
has "its subject names the visitor" "$tmp/mail.txt" "^Subject: Votre visiteur est arrivé : Dominique Roux"
has "its text names the organisation" "$tmp/mail.txt" "Organisation : Mairie de Nantes"
has "and the time in Paris" "$tmp/mail.txt" "vendredi 27 novembre 2026 à 09:03"
lacks "and never the badge's hash" "$tmp/mail.txt" "c1856634"
call POST /v1/events "$tmp/batch.json"
sleep 1
check "a check-in sent again is not e-mailed again" test "$(find "$tmp/mail/new" -type f | wc -l)" -eq 1

printf '{"device": "entree-2", "events": []}' >"$tmp/other-device.json"
call POST /v1/events "$tmp/other-device.json"
status_is "a batch naming another device: 403" 403
printf '{"device": "entree-1", "events": [{"seq": 9, "at": "2026-11-27T09:00:00Z", "kind": "decision"}, {"seq": "10"}]}' >"$tmp/malformed.json"
call POST /v1/events "$tmp/malformed.json"
status_is "a malformed batch: 400" 400
json_is "naming the field" '"$.events[1].seq" in j["error"]'
printf '{"device": "entree-1", "events": [' >"$tmp/truncated.json"
call POST /v1/events "$tmp/truncated.json"
status_is "a truncated batch: 400" 400
check "a malformed batch stores nothing" test "$(count_events)" -eq 3
head -c $((8 * 1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$tmp/huge.json"
call POST /v1/events "$tmp/huge.json"
status_is "a body over 8 MiB: 413" 413
status=$(curl -sS --max-time 20 -o "$tmp/body" -w '%{http_code}' --cacert "$certs/site-ca.pem" --cert "$certs/entree-1.pem" \
	--key "$certs/entree-1.key" -H 'Transfer-Encoding: chunked' --data-binary "@$tmp/huge.json" "https://127.0.0.1:$port/v1/events" 2>"$tmp/curl.err")
status_is "a chunked body over 8 MiB: 413" 413
call GET /v1/nowhere
status_is "an unknown endpoint: 404" 404
call GET /v1/events
status_is "a known endpoint with another method: 405" 405
json_is "405: the error says which method" '"POST" in j["error"]'
check "405: with an Allow header" sh -c "curl -sS -D - -o /dev/null --cacert '$certs/site-ca.pem' --cert '$certs/entree-1.pem' --key '$certs/entree-1.key' https://127.0.0.1:$port/v1/events | grep -qi '^Allow: POST'"
check "405 on a GET path: Allow: GET" sh -c "curl -sS -D - -o /dev/null -X POST -H 'Content-Type: application/json' --data '{}' --cacert '$certs/site-ca.pem' --cert '$certs/entree-1.pem' --key '$certs/entree-1.key' https://127.0.0.1:$port/v1/directory | grep -qi '^Allow: GET'"
n_before=$(count_events)
for type in "text/plain" "application/x-www-form-urlencoded" "application/jsonp"; do
	status=$(curl -sS --max-time 20 -o "$tmp/body" -w '%{http_code}' --cacert "$certs/site-ca.pem" --cert "$certs/entree-1.pem" \
		--key "$certs/entree-1.key" -H "Content-Type: $type" --data-binary "@$tmp/batch.json" "https://127.0.0.1:$port/v1/events" 2>"$tmp/curl.err")
	status_is "a POST body of Content-Type $type: 415" 415
	json_is "415: the error names application/json" '"application/json" in j["error"]'
done
status=$(curl -sS --max-time 20 -o "$tmp/body" -w '%{http_code}' --cacert "$certs/site-ca.pem" --cert "$certs/entree-1.pem" \
	--key "$certs/entree-1.key" -H "Content-Type: application/json; charset=utf-8" --data-binary "@$tmp/batch.json" "https://127.0.0.1:$port/v1/events" 2>"$tmp/curl.err")
status_is "application/json; charset=utf-8 is JSON: 200" 200
check "a refused Content-Type stores nothing" test "$(count_events)" -eq "$n_before"
# the office's own certificate: the site CA made it, but for a server (EKU serverAuth only)
call GET /v1/commands "" server
status_is "the office's server certificate is no device: 403" 403
json_is "403: the error says clientAuth" '"clientAuth" in j["error"]'
has "and the office logs it with the address" "$tmp/main.err" "127.0.0.1: GET /v1/commands refused: .*clientAuth"

# refused clients: each refused handshake logged as a warning, with the client's address and why
logged() { # description, pattern: waits a little for the server's line
	for _ in $(seq 30); do grep -q -- "$2" "$tmp/main.err" && { ok "$1"; return; }; sleep 0.1; done
	not_ok "$1"; show "$tmp/main.err"
}
curl -sS --max-time 10 -o /dev/null --cacert "$certs/site-ca.pem" "https://127.0.0.1:$port/v1/commands" 2>/dev/null
rc=$?
if [ "$rc" -ne 0 ]; then ok "a client without a certificate is refused (curl exit $rc)"; else not_ok "a client without a certificate is refused"; fi
logged "logged: warning, address, no client certificate" "warning: 127.0.0.1: TLS handshake refused: no client certificate"
curl -sS --max-time 10 -o /dev/null --cacert "$certs/site-ca.pem" --cert "$tmp/other/entree-1.pem" \
	--key "$tmp/other/entree-1.key" "https://127.0.0.1:$port/v1/commands" 2>/dev/null
rc=$?
if [ "$rc" -ne 0 ]; then ok "a certificate from another CA is refused (curl exit $rc)"; else not_ok "a certificate from another CA is refused"; fi
logged "logged: warning, address, issuer unknown" "warning: 127.0.0.1: TLS handshake refused: client certificate: .*issuer is unknown"
curl -sS --max-time 10 -o /dev/null --cacert "$certs/site-ca.pem" --cert "$certs/perime.pem" \
	--key "$certs/perime.key" "https://127.0.0.1:$port/v1/commands" 2>/dev/null
rc=$?
if [ "$rc" -ne 0 ]; then ok "an expired certificate is refused (curl exit $rc)"; else not_ok "an expired certificate is refused"; fi
logged "logged: warning, address, expired" "warning: 127.0.0.1: TLS handshake refused: client certificate: .*expired"
curl -sS --max-time 10 -o /dev/null "http://127.0.0.1:$port/v1/commands" 2>/dev/null
rc=$?
status=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/commands" 2>/dev/null)
if [ "$rc" -ne 0 ] || [ "$status" != 200 ]; then ok "plain HTTP to the TLS port gets nothing"; else not_ok "plain HTTP to the TLS port gets nothing"; fi
has "refusals are logged" "$tmp/main.err" "libmicrohttpd\|refused"

check "devices lists the kiosks" o devices
has "entree-1 with its acknowledged sequence" "$tmp/out" "^entree-1 .* 2  "
check "devices --format csv" o devices --format csv
has "with the data age in seconds" "$tmp/out" "^entree-1,[0-9T:Z-]*,2,[0-9][0-9]*,3,0$"
check "events --device entree-1 --since 1" o events --device entree-1 --since 1
cp "$tmp/out" "$tmp/events.txt"
check "prints the events after 1" test "$(wc -l <"$tmp/events.txt")" -eq 2
has "as the kiosk sent them" "$tmp/events.txt" '"kind":"checkin"'
check "events --format csv" o events --format csv
has "with a header line" "$tmp/out" "^device,seq,at,kind,door,granted"
stop_server main

# ---- test-only faults ---------------------------------------------------
start_server http429 --fault http-429
call GET /v1/commands
status_is "--fault http-429: 429" 429
check "with Retry-After: 2" sh -c "curl -sS -D - -o /dev/null --cacert '$certs/site-ca.pem' --cert '$certs/entree-1.pem' --key '$certs/entree-1.key' https://127.0.0.1:$port/v1/directory | grep -qi '^Retry-After: 2'"
stop_server http429

start_server http500 --fault http-500 --fault-count 1
call GET /v1/directory
status_is "--fault http-500 --fault-count 1: the first request gets 500" 500
call GET /v1/directory
status_is "the next one is answered" 200
stop_server http500

start_server wrong --fault wrong-types --fault-path /v1/events
call POST /v1/events "$tmp/batch.json"
json_is "--fault wrong-types: acked_seq is a string" 'j == {"acked_seq": "1202"}'
call GET /v1/commands
json_is "--fault-path: other endpoints answer normally" 'j == {"commands": []}'
stop_server wrong

start_server trunc --fault truncated-json
call GET /v1/directory
if [ "$status" = 200 ] && ! json 'True' 2>/dev/null; then ok "--fault truncated-json: 200 with JSON cut short"; else not_ok "--fault truncated-json"; fi
stop_server trunc

start_server close --fault close-mid-batch
printf '{"device": "entree-1", "events": [{"seq": 3, "at": "2026-11-27T09:00:00Z", "kind": "decision"}]}' >"$tmp/three.json"
call POST /v1/events "$tmp/three.json"
if [ "$status" != 200 ]; then ok "--fault close-mid-batch: no answer (status $status)"; else not_ok "--fault close-mid-batch: no answer"; fi
check "but the batch is stored" test "$(count_events)" -eq 4
stop_server close
start_server after
call POST /v1/events "$tmp/three.json"
json_is "sent again: acknowledged past the filled gap" 'j == {"acked_seq": 4}'
stop_server after

start_server huge --fault huge-body
size=$(curl -sS --max-time 60 -o /dev/null -w '%{size_download}' --cacert "$certs/site-ca.pem" --cert "$certs/entree-1.pem" \
	--key "$certs/entree-1.key" "https://127.0.0.1:$port/v1/directory" 2>/dev/null)
if [ "${size:-0}" -ge $((100 * 1024 * 1024)) ]; then ok "--fault huge-body: 100 MiB"; else not_ok "--fault huge-body: 100 MiB (got ${size:-0})"; fi
stop_server huge

start_server slow --fault slow
started=$(date +%s)
curl -sS --max-time 3 -o "$tmp/body" --cacert "$certs/site-ca.pem" --cert "$certs/entree-1.pem" \
	--key "$certs/entree-1.key" "https://127.0.0.1:$port/v1/commands" 2>/dev/null
rc=$?
if [ "$rc" -eq 28 ] && [ "$(stat -c %s "$tmp/body")" -le 5 ]; then ok "--fault slow: a byte a second, the client times out"; else not_ok "--fault slow (curl exit $rc)"; fi
stop_server slow
check "and the server still stops at once" test $(($(date +%s) - started)) -le 8

start_server plain --insecure-loopback-http
if grep -q "^listening on http://127.0.0.1:" "$tmp/plain.out"; then ok "--insecure-loopback-http says http://127.0.0.1"; else not_ok "--insecure-loopback-http says http://127.0.0.1"; fi
status=$(curl -sS --max-time 10 -o "$tmp/body" -w '%{http_code}' "http://127.0.0.1:$port/v1/commands?device=entree-1" 2>/dev/null)
status_is "plain HTTP answers on loopback" 200
status=$(curl -sS --max-time 10 -o "$tmp/body" -w '%{http_code}' -H 'Content-Type: application/json' --data-binary "@$tmp/batch.json" "http://127.0.0.1:$port/v1/events" 2>/dev/null)
json_is "the device is the body's" 'j == {"acked_seq": 4}'
stop_server plain INT

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
