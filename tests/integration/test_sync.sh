#!/bin/bash
# test_sync.sh - the kiosk and the office end to end over mutual TLS on
# loopback, with a site CA made at run time: full then delta sync, a badge
# revoked at the office refused at the kiosk, deletions, commands, a visitor
# check-in reaching the host by e-mail, TLS refusals, hostile replies that
# leave the kiosk's directory unchanged and deciding.
# usage: test_sync.sh [BUILD_DIR]
set -u
build=$(cd "${1:-build}" && pwd)
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/sync-test.XXXXXX")
office_pid=
smtp_pid=
cleanup() {
	[ -n "$office_pid" ] && kill "$office_pid" 2>/dev/null && wait "$office_pid" 2>/dev/null
	[ -n "$smtp_pid" ] && kill "$smtp_pid" 2>/dev/null && wait "$smtp_pid" 2>/dev/null
	if [ -n "${KEEP_TMP:-}" ]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
ctl="$build/seuilctl"
office="$build/seuil-office"
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
expect() { if "$@" >>"$tmp/expect.log" 2>&1; then ok "$what"; else not_ok "$what"; fi; }
free_port() { # a port nobody listens on (the kernel picks, we release it)
	local p
	for _ in $(seq 50); do
		p=$((20000 + RANDOM % 20000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
	done
	echo 0
}
wait_port() { for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }

# --- a site: CA, office certificate, two kiosks; and a stranger CA -------------
sh "$top/dist/make-site-certs" "$tmp/site" --server-name localhost --server-ip 127.0.0.1 \
	--device kiosk-1 --device kiosk-2 >/dev/null 2>&1 || { echo "cannot make certificates"; exit 1; }
sh "$top/dist/make-site-certs" "$tmp/other" --server-name localhost --server-ip 127.0.0.1 \
	--device kiosk-1 >/dev/null 2>&1 || { echo "cannot make the stranger's certificates"; exit 1; }

smtp_port=$(free_port)
mkdir -p "$tmp/mail"
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$tmp/mail/box" \
	>"$tmp/smtp.log" 2>&1 &
smtp_pid=$!

port=$(free_port)
cat >"$tmp/office.conf" <<EOF2
[office]
listen = 127.0.0.1
port = $port
cert = $tmp/site/server.pem
key = $tmp/site/server.key
ca = $tmp/site/site-ca.pem
db = $tmp/office.db
smtp_url = smtp://127.0.0.1:$smtp_port
smtp_from = accueil@pole.example
smtp_starttls = no
EOF2
start_office() {
	"$office" --config "$tmp/office.conf" serve "$@" >>"$tmp/office.out" 2>>"$tmp/office.log" &
	office_pid=$!
	wait_port "$port"
}
stop_office() { kill "$office_pid" 2>/dev/null; wait "$office_pid" 2>/dev/null; office_pid=; }
kiosk_conf() { # name, then url, then extra lines ("ca = ...", "cert = ..." and "key = ..." replace the site's)
	local name=$1 url=$2 l
	shift 2
	{
		echo "[device]"; echo "id = kiosk-1"
		echo "[sync]"; echo "url = $url"
		case " $* " in *" ca ="*) ;; *) echo "ca = $tmp/site/site-ca.pem" ;; esac
		case " $* " in *" cert ="*) ;; *) echo "cert = $tmp/site/kiosk-1.pem" ;; esac
		case " $* " in *" key ="*) ;; *) echo "key = $tmp/site/kiosk-1.key" ;; esac
		echo "connect_timeout_s = 3"; echo "transfer_timeout_s = 6"
		for l in "$@"; do echo "$l"; done
	} >"$tmp/$name.conf"
}
sync_with() { "$ctl" --db "$tmp/kiosk.db" sync --config "$tmp/$1.conf" "${@:2}" >"$tmp/sync.out" 2>&1; }
fingerprint() { "$ctl" --db "$tmp/kiosk.db" status | grep -E '^(directory|site):'; "$ctl" --db "$tmp/kiosk.db" decide --uid 04A1B2C3D4E5F6 --at 2026-11-27T09:00; }

"$office" --config "$tmp/office.conf" import "$top/dist/examples/directory.json" >/dev/null
"$ctl" --db "$tmp/kiosk.db" init --device kiosk-1 >/dev/null
kiosk_conf kiosk "https://localhost:$port"
start_office || { echo "the office did not start"; cat "$tmp/office.log"; exit 1; }

# --- full, then delta ----------------------------------------------------------
what="first sync succeeds"; expect sync_with kiosk
what="first sync is a full directory"; expect grep -qi "full" "$tmp/sync.out"
what="the kiosk now knows the site's tenants"; expect grep -q "10 tenants" <("$ctl" --db "$tmp/kiosk.db" status)
what="Camille is granted at the kiosk"; expect "$ctl" --db "$tmp/kiosk.db" decide --uid 04A1B2C3D4E5F6 --at 2026-11-27T09:00
sed 's/"uid": "04A1B2C3D4E5F6", "person": "p-camille", "status": "active"/"uid": "04A1B2C3D4E5F6", "person": "p-camille", "status": "revoked"/' \
	"$top/dist/examples/directory.json" >"$tmp/revoked.json"
"$office" --config "$tmp/office.conf" import "$tmp/revoked.json" >/dev/null
what="second sync succeeds"; expect sync_with kiosk
what="second sync is a delta"; expect grep -qi "delta" "$tmp/sync.out"
"$ctl" --db "$tmp/kiosk.db" decide --uid 04A1B2C3D4E5F6 --at 2026-11-27T09:00 >"$tmp/d.out"
what="the badge revoked at the office is refused at the kiosk"; expect grep -q credential_revoked "$tmp/d.out"
grep -v '"p-ines"' "$tmp/revoked.json" >"$tmp/removed.json"
what="the office replaces its directory without a person"; expect "$office" --config "$tmp/office.conf" import --replace "$tmp/removed.json"
sync_with kiosk
"$ctl" --db "$tmp/kiosk.db" decide --uid 3A9C5D10 --at 2026-11-27T09:00 >"$tmp/d.out"
what="a person deleted at the office is gone at the kiosk"; expect grep -q unknown_credential "$tmp/d.out"

# --- events up, exactly once ------------------------------------------------------
for i in 1 2 3; do "$ctl" --db "$tmp/kiosk.db" decide --record --uid 0A0B0C0$i >/dev/null; done
sync_with kiosk
what="the outbox is empty after a sync"; expect grep -q "outbox: *0 " <("$ctl" --db "$tmp/kiosk.db" status)
n1=$("$office" --config "$tmp/office.conf" events --device kiosk-1 | wc -l)
sync_with kiosk
n2=$("$office" --config "$tmp/office.conf" events --device kiosk-1 | wc -l)
what="syncing again stores nothing twice ($n1 events)"; expect test "$n1" = "$n2" -a "$n1" -ge 3

# --- commands ---------------------------------------------------------------------
"$office" --config "$tmp/office.conf" command kiosk-1 lockdown on >/dev/null
sync_with kiosk
"$ctl" --db "$tmp/kiosk.db" decide --uid 3A9C5D10 --at 2026-11-27T09:00 >"$tmp/d.out"
what="an office lockdown reaches the kiosk"; expect grep -q '"reason":"lockdown"' "$tmp/d.out"
what="and is journaled there"; expect grep -q '"kind":"lockdown"' <("$ctl" --db "$tmp/kiosk.db" events)
"$office" --config "$tmp/office.conf" command kiosk-1 lockdown off >/dev/null
sync_with kiosk
sync_with kiosk
what="lockdown off, executed once"; expect test "$("$ctl" --db "$tmp/kiosk.db" events | grep -c '"kind":"lockdown"')" = 2
"$office" --config "$tmp/office.conf" command kiosk-1 unlock_for 300 >/dev/null
sync_with kiosk
what="unlock_for becomes a request for the door"; expect grep -q '"kind":"command"' <("$ctl" --db "$tmp/kiosk.db" events)

# --- TLS refusals: nothing changes, and the kiosk says why ------------------------------
fp=$(fingerprint)
refused() { # description, config, pattern the reason must match
	local rc
	sync_with "$2"
	rc=$?
	what="$1: refused (exit 2)"; expect test "$rc" = 2
	what="$1: the reason says so"; expect grep -qi -- "$3" "$tmp/sync.out"
	[ -n "${SHOW_REASONS:-}" ] && sed 's/^/#   /' "$tmp/sync.out"
}
kiosk_conf stranger "https://localhost:$port" "ca = $tmp/other/site-ca.pem"
refused "an office certificate from an unknown CA" stranger "certificate is refused (\[sync\] ca"
kiosk_conf pin "https://localhost:$port" "pin = sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
refused "a wrong pin" pin "does not match \[sync\] pin"
# a real handshake without a client certificate: [sync] cert and key empty
kiosk_conf nocert "https://localhost:$port" "cert =" "key ="
refused "no client certificate" nocert "office closed the connection.*\[sync\] cert/key are empty"
kiosk_conf foreigncert "https://localhost:$port" "cert = $tmp/other/kiosk-1.pem" "key = $tmp/other/kiosk-1.key"
refused "a client certificate from another CA" foreigncert "\[sync\] cert/key must be made by the site CA and not expired"
what="the office logs the refused handshakes as warnings, with the address"
expect grep -q "warning: 127.0.0.1: TLS handshake refused: client certificate: .*issuer is unknown" "$tmp/office.log"
what="and the one without a certificate"
expect grep -q "warning: 127.0.0.1: TLS handshake refused: no client certificate" "$tmp/office.log"
# an expired client certificate (same CA)
cp -r "$tmp/site" "$tmp/expired-kiosk"
sh "$top/dist/make-site-certs" "$tmp/expired-kiosk" --device kiosk-1 --expired >/dev/null 2>&1
kiosk_conf expiredcert "https://localhost:$port" "cert = $tmp/expired-kiosk/kiosk-1.pem" "key = $tmp/expired-kiosk/kiosk-1.key"
refused "an expired client certificate" expiredcert "not expired"
what="the office logs it as expired"; expect grep -q "TLS handshake refused: client certificate: .*expired" "$tmp/office.log"
# the office's own certificate is no device (extended key usage serverAuth only)
kiosk_conf servercert "https://localhost:$port" "cert = $tmp/site/server.pem" "key = $tmp/site/server.key"
refused "the office's server certificate as a kiosk's" servercert "HTTP 403: .*clientAuth"
# an office certificate the site CA made for another name: a real host name check
mkdir -p "$tmp/othername"
cp "$tmp/site/site-ca.pem" "$tmp/site/site-ca.key" "$tmp/othername/"
sh "$top/dist/make-site-certs" "$tmp/othername" --server-name office.example >/dev/null 2>&1
sed "s|$tmp/site/server|$tmp/othername/server|" "$tmp/office.conf" >"$tmp/office-othername.conf"
stop_office
"$office" --config "$tmp/office-othername.conf" serve >>"$tmp/office.out" 2>>"$tmp/office.log" &
office_pid=$!
wait_port "$port"
what="the office for another name answers with the site CA (openssl agrees it chains)"
expect openssl verify -CAfile "$tmp/site/site-ca.pem" "$tmp/othername/server.pem"
refused "a wrong host name (office.example reached as localhost)" kiosk "host name.*localhost"
# an office whose certificate has expired (same CA)
cp -r "$tmp/site" "$tmp/expired"
sh "$top/dist/make-site-certs" "$tmp/expired" --server-name localhost --server-ip 127.0.0.1 --expired >/dev/null 2>&1
sed "s|$tmp/site/server|$tmp/expired/server|" "$tmp/office.conf" >"$tmp/office-expired.conf"
stop_office
"$office" --config "$tmp/office-expired.conf" serve >>"$tmp/office.out" 2>>"$tmp/office.log" &
office_pid=$!
wait_port "$port"
refused "an expired office certificate" kiosk "expire"
stop_office
start_office
kiosk_conf plain "http://127.0.0.1:$port"
refused "plain HTTP" plain "https:// only"
what="the directory is unchanged by the refused syncs"; expect test "$(fingerprint)" = "$fp"

# --- hostile replies: nothing changes, the kiosk still decides --------------------------
for fault in truncated-json wrong-types huge-body slow http-500 http-429; do
	stop_office
	start_office --fault "$fault"
	sync_with kiosk
	rc=$?
	what="fault $fault: the sync fails cleanly (exit 2)"; expect test "$rc" = 2
	what="fault $fault: the directory is unchanged"; expect test "$(fingerprint)" = "$fp"
done
grep -qi "retry" "$tmp/sync.out"
what="429: Retry-After is reported"; expect grep -qi "retry" "$tmp/sync.out"
stop_office
start_office

# --- 10,000 decisions while the office is down: all uploaded exactly once ----------------
stop_office
kdb="$tmp/kiosk.db"
sqlite3 "$kdb" "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 10000)
	INSERT INTO events(seq, at_ms, device, kind, door_id, granted, reason, person_id, tenant_id, credential_hash)
	SELECT (SELECT coalesce(max(seq), 0) FROM events) + x, 1795766400000 + x * 1000, 'kiosk-1', 'decision',
	       'entree', x % 3 <> 0, CASE WHEN x % 3 <> 0 THEN 'granted' ELSE 'outside_schedule' END,
	       'p-camille', 'scop-btp', printf('%032x', x) FROM n"
what="the office down: the sync fails"; expect test "$(sync_with kiosk; echo $?)" = 2
what="and the outbox keeps the 10,000"; expect test "$(sqlite3 "$kdb" 'SELECT count(*) FROM outbox')" -ge 10000
# the office stores a batch but the connection drops before the answer
start_office --fault close-mid-batch
sync_with kiosk
stop_office
what="a batch stored without an answer: nothing acknowledged, nothing lost"; expect test "$(sqlite3 "$kdb" 'SELECT count(*) FROM outbox')" -ge 10000
# the office killed in the middle of the upload
start_office
"$ctl" --db "$kdb" sync --config "$tmp/kiosk.conf" >/dev/null 2>&1 &
spid=$!
sleep 0.3
kill -9 "$office_pid"; wait "$office_pid" 2>/dev/null; office_pid=
wait "$spid"
start_office
for _ in 1 2 3; do sync_with kiosk && break; done
what="after the office returns: the outbox is empty"; expect test "$(sqlite3 "$kdb" 'SELECT count(*) FROM outbox')" = 0
sqlite3 "$kdb" "SELECT seq FROM events WHERE device = 'kiosk-1' AND kind = 'decision' ORDER BY seq" >"$tmp/kiosk.seq"
"$office" --config "$tmp/office.conf" events --device kiosk-1 --format csv | tail -n +2 | cut -d, -f2 | tr -d '"' | sort -n >"$tmp/office.all"
sort -n "$tmp/office.all" | uniq -d >"$tmp/dups"
what="no event stored twice at the office"; expect test ! -s "$tmp/dups"
what="every kiosk decision is at the office ($(wc -l <"$tmp/kiosk.seq") decisions)"; expect test -z "$(comm -23 <(sort "$tmp/kiosk.seq") <(sort "$tmp/office.all"))"

# --- a visitor's check-in reaches the host by e-mail -------------------------------------
"$ctl" --db "$tmp/kiosk.db" visitor checkin --name "Dominique Roux" --organisation "Mairie de Nantes" \
	--host p-sacha --purpose "Réunion de quartier" --consent >/dev/null
what="a visitor check-in is uploaded"; expect sync_with kiosk
what="the office holds the check-in"; expect grep -q '"kind":"checkin"' <("$office" --config "$tmp/office.conf" events --device kiosk-1)
got=1
mail_text() { # the decoded bodies of the mails received (base64 or not)
	local f
	for f in "$tmp"/mail/box/new/*; do
		[ -f "$f" ] || continue
		sed -n '/^$/,$p' "$f" | base64 -d 2>/dev/null || sed -n '/^$/,$p' "$f"
	done
}
for _ in $(seq 100); do mail_text | grep -q "Dominique Roux" && { got=0; break; }; sleep 0.1; done
what="the host's e-mail reaches the SMTP server"; expect test "$got" = 0
what="the e-mail goes to the host's address"; expect grep -rqs "accueil@pole.example" "$tmp/mail/box"

# --- the office restored from an older backup: what it lost comes again, once ------------
stop_office
sqlite3 "$tmp/office.db" ".backup '$tmp/office-backup.db'"
start_office
for i in 1 2 3 4 5; do "$ctl" --db "$kdb" decide --record --uid 0D0E0F0$i >/dev/null; done
sync_with kiosk
stop_office
rm -f "$tmp/office.db-wal" "$tmp/office.db-shm"
cp "$tmp/office-backup.db" "$tmp/office.db"
start_office
sync_with kiosk
what="after the office's restore: the kiosk says it sends again"; expect grep -q "restored from a backup" "$tmp/sync.out"
sync_with kiosk
newest=$(sqlite3 "$kdb" 'SELECT max(seq) FROM events')
"$office" --config "$tmp/office.conf" events --device kiosk-1 --format csv | tail -n +2 | cut -d, -f2 | tr -d '"' | sort -n >"$tmp/office.all"
what="after the office's restore: the five lost decisions are back"; expect test "$(grep -c . "$tmp/office.all")" = "$(sqlite3 "$kdb" 'SELECT count(*) FROM events')"
what="after the office's restore: nothing stored twice"; expect test -z "$(uniq -d "$tmp/office.all")"
what="after the office's restore: acknowledged up to the newest ($newest)"; expect test "$(sqlite3 "$kdb" "SELECT value FROM sync_state WHERE key = 'acked_seq'")" = "$newest"
# restored from a backup older than what the kiosk still holds: the office stops waiting
stop_office
"$ctl" --db "$kdb" purge --at 2027-06-01T00:00:00Z >/dev/null
rm -f "$tmp/office.db-wal" "$tmp/office.db-shm"
cp "$tmp/office-backup.db" "$tmp/office.db"
start_office
"$ctl" --db "$kdb" decide --record --uid 0D0E0F06 >/dev/null
sync_with kiosk
sync_with kiosk
newest=$(sqlite3 "$kdb" 'SELECT max(seq) FROM events')
what="a restore older than the kiosk's retention: acknowledged up to the newest ($newest)"; expect test "$(sqlite3 "$kdb" "SELECT value FROM sync_state WHERE key = 'acked_seq'")" = "$newest"
what="and the office logs what it will never receive"; expect grep -q "gone from the device" "$tmp/office.log"

# --- the office restored: its directory history and command ids start again ------------------
# (docs/office-api.md: a cursor the office's database did not issue gets a full directory; a
# command is known by its id and its issued time)
office_seq() { sqlite3 "$tmp/office.db" "SELECT coalesce(max(seq), 0) FROM office_changes"; }
kiosk_cursor() { sqlite3 "$kdb" "SELECT value FROM sync_state WHERE key = 'cursor'"; }
closure() { # DATE: one change at the office
	printf '{"closures": [{"date": "%s", "name": "Fermeture"}]}' "$1" >"$tmp/closure.json"
	"$office" --config "$tmp/office.conf" import "$tmp/closure.json" >/dev/null
}
granted_sacha() { "$ctl" --db "$kdb" decide --uid 04DEADBEEF0042 --at 2026-11-27T09:00; }
"$ctl" --db "$kdb" lockdown off >/dev/null 2>&1
sync_with kiosk
what="restore: Sacha's badge opens before"; expect granted_sacha
what="restore: the kiosk's cursor names the office's history (SEQ.TOKEN)"; expect grep -Eq '^[0-9]+\.[0-9a-f]{16}$' <(kiosk_cursor)
stop_office
rm -f "$tmp/office-r.db"
sqlite3 "$tmp/office.db" ".backup '$tmp/office-r.db'"
start_office
closure 2027-05-07
"$office" --config "$tmp/office.conf" command kiosk-1 lockdown on >"$tmp/cmd1"
sync_with kiosk
"$office" --config "$tmp/office.conf" command kiosk-1 lockdown off >/dev/null
sync_with kiosk
old_cursor=$(kiosk_cursor)
what="restore: the kiosk moved past the backup ($old_cursor)"; expect test "${old_cursor%%.*}" -gt "$(sqlite3 "$tmp/office-r.db" 'SELECT max(seq) FROM office_changes')"
stop_office
rm -f "$tmp/office.db-wal" "$tmp/office.db-shm"
cp "$tmp/office-r.db" "$tmp/office.db"
start_office
printf '{"credentials": [{"uid": "04DEADBEEF0042", "person": "p-sacha", "status": "revoked"}]}' >"$tmp/revoke-sacha.json"
what="restore: Sacha's badge revoked at the restored office"; expect "$office" --config "$tmp/office.conf" import "$tmp/revoke-sacha.json"
n=1
while [ "$(office_seq)" -le "${old_cursor%%.*}" ] && [ "$n" -le 50 ]; do closure "2028-01-$(printf %02d "$n")"; n=$((n + 1)); done
what="restore: the restored office's seq passed the kiosk's cursor"; expect test "$(office_seq)" -gt "${old_cursor%%.*}"
what="restore: the next sync succeeds"; expect sync_with kiosk
what="restore: it is a full directory, not a delta that skips the revocation"; expect grep -qi "full" "$tmp/sync.out"
granted_sacha >"$tmp/d.out"
what="restore: the badge revoked at the restored office is refused after the sync"; expect grep -q credential_revoked "$tmp/d.out"
what="restore: the kiosk's cursor is the restored office's"; expect test "$(kiosk_cursor)" != "$old_cursor"
# a plain cursor of before the tokens: answered in full, then the kiosk carries on with deltas
sqlite3 "$kdb" "UPDATE sync_state SET value = '${old_cursor%%.*}' WHERE key = 'cursor'"
sync_with kiosk
what="a plain (old) cursor gets a full directory"; expect grep -qi "full" "$tmp/sync.out"
sync_with kiosk
what="and the next pull is a delta (nothing new)"; expect grep -q "^pull: nothing new, cursor $(kiosk_cursor)" "$tmp/sync.out"
# the restored office issues the lockdown's id again: the kiosk runs it
"$office" --config "$tmp/office.conf" command kiosk-1 lockdown on >"$tmp/cmd2"
what="restore: the restored office reuses the command id ($(cat "$tmp/cmd1"))"; expect test "$(cat "$tmp/cmd2")" = "$(cat "$tmp/cmd1")"
sync_with kiosk
what="restore: the new command with the old id is executed, not skipped as a repeat"; expect grep -q "^commands: 1 executed" "$tmp/sync.out"
"$ctl" --db "$kdb" decide --uid 0477AB12CD34EF --at 2026-11-27T09:00 >"$tmp/d.out"
what="restore: the kiosk is in lockdown"; expect grep -q '"reason":"lockdown"' "$tmp/d.out"
sync_with kiosk
what="restore: and it runs once"; expect grep -q "^commands: 0 executed, 0 refused, 0 repeated" "$tmp/sync.out"

# --- a check-in at the reception desk wakes seuil-sync, as the kiosk's does -------------------
kiosk_conf wake "https://localhost:$port" "wake = $tmp/wake.sock"
/usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); s.settimeout(10)
c, _ = s.accept(); print("woken"); c.close()' "$tmp/wake.sock" >"$tmp/woken" 2>&1 &
wake_pid=$!
for _ in $(seq 50); do [ -S "$tmp/wake.sock" ] && break; sleep 0.1; done
what="visitor checkin with an office configured wakes seuil-sync"
expect "$ctl" --db "$kdb" visitor checkin --config "$tmp/wake.conf" --name "Alix Martin" --host p-sacha --consent
wait "$wake_pid"
what="the wake socket was poked"; expect grep -q woken "$tmp/woken"
rm -f "$tmp/wake.sock"
"$ctl" --db "$kdb" visitor checkin --config "$tmp/wake.conf" --name "Alix Martin" --host p-sacha --consent >/dev/null 2>"$tmp/wake.err"
rc=$?
what="nothing listening: the check-in stands, silently"; expect test "$rc" = 0 -a ! -s "$tmp/wake.err"

# --- the kiosk re-initialised with the same device id: its new journal follows the old -----------
sync_with kiosk
office_before=$("$office" --config "$tmp/office.conf" events --device kiosk-1 | wc -l)
rdb="$tmp/reinit.db"
"$ctl" --db "$rdb" init --device kiosk-1 >/dev/null
"$ctl" --db "$rdb" sync --config "$tmp/kiosk.conf" >"$tmp/sync.out" 2>&1
what="re-initialised kiosk: the directory comes"; expect grep -q "^pull: full" "$tmp/sync.out"
for i in 1 2 3; do "$ctl" --db "$rdb" decide --record --uid 0E0E0E0$i >/dev/null; done
"$ctl" --db "$rdb" sync --config "$tmp/kiosk.conf" >"$tmp/sync.out" 2>&1
rc=$?
what="re-initialised kiosk: the sync succeeds"; expect test "$rc" = 0
what="re-initialised kiosk: it says its journal now follows the office's record"; expect grep -q "numbered again from" "$tmp/sync.out"
what="re-initialised kiosk: its outbox is empty"; expect test "$(sqlite3 "$rdb" 'SELECT count(*) FROM outbox')" = 0
"$office" --config "$tmp/office.conf" events --device kiosk-1 >"$tmp/reinit.events"
what="re-initialised kiosk: its three decisions reach the office, none lost"; expect test "$(wc -l <"$tmp/reinit.events")" = "$((office_before + 3))"
what="re-initialised kiosk: and the old ones are untouched (nothing stored twice)"; expect test -z "$(grep -o '"seq":[0-9]*' "$tmp/reinit.events" | sort | uniq -d)"
what="re-initialised kiosk: its events now follow the office's ($(sqlite3 "$rdb" 'SELECT min(seq) FROM events'))"; expect test "$(sqlite3 "$rdb" 'SELECT min(seq) FROM events')" -gt "$office_before"

# --- an office re-importing an unchanged file sends nothing; one changed grant, one entry -----
"$office" --config "$tmp/office.conf" import --replace "$top/dist/examples/directory.json" >/dev/null
sync_with kiosk
"$office" --config "$tmp/office.conf" import --replace "$top/dist/examples/directory.json" >/dev/null
sync_with kiosk
what="the same file imported again: the next delta is empty"; expect grep -q "^pull: nothing new" "$tmp/sync.out"
sed 's/"kind": "incubateur", "profiles": \["resident"\]/"kind": "incubateur", "profiles": ["commerce"]/' "$top/dist/examples/directory.json" >"$tmp/onegrant.json"
"$office" --config "$tmp/office.conf" import --replace "$tmp/onegrant.json" >/dev/null
sync_with kiosk
what="one grant changed: the delta holds that one entry"; expect grep -q "^pull: delta, cursor [^:]*: 1 written" "$tmp/sync.out"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
