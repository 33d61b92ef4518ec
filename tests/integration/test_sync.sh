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
kiosk_conf() { # name, then url, then extra lines
	local name=$1 url=$2
	shift 2
	{
		echo "[device]"; echo "id = kiosk-1"
		echo "[sync]"; echo "url = $url"
		echo "ca = $tmp/site/site-ca.pem"
		echo "cert = $tmp/site/kiosk-1.pem"; echo "key = $tmp/site/kiosk-1.key"
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

# --- TLS refusals: nothing changes ----------------------------------------------------
fp=$(fingerprint)
kiosk_conf stranger "https://localhost:$port" "ca = $tmp/other/site-ca.pem"
what="an office certificate from an unknown CA is refused"; expect test "$(sync_with stranger; echo $?)" = 2
kiosk_conf wronghost "https://127.0.0.2:$port"
what="a wrong host name is refused"; expect test "$(sync_with wronghost; echo $?)" = 2
kiosk_conf pin "https://localhost:$port" "pin = sha256//AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
what="a wrong pin is refused"; expect test "$(sync_with pin; echo $?)" = 2
kiosk_conf nocert "https://localhost:$port" "cert = $tmp/none.pem" "key = $tmp/none.key"
what="no client certificate: refused"; expect test "$(sync_with nocert; echo $?)" = 2
kiosk_conf foreigncert "https://localhost:$port" "cert = $tmp/other/kiosk-1.pem" "key = $tmp/other/kiosk-1.key"
what="a client certificate from another CA: refused"; expect test "$(sync_with foreigncert; echo $?)" = 2
# an office whose certificate has expired (same CA)
cp -r "$tmp/site" "$tmp/expired"
sh "$top/dist/make-site-certs" "$tmp/expired" --server-name localhost --server-ip 127.0.0.1 --expired >/dev/null 2>&1
sed "s|$tmp/site/server|$tmp/expired/server|" "$tmp/office.conf" >"$tmp/office-expired.conf"
stop_office
"$office" --config "$tmp/office-expired.conf" serve >>"$tmp/office.out" 2>>"$tmp/office.log" &
office_pid=$!
wait_port "$port"
what="an expired office certificate is refused"; expect test "$(sync_with kiosk; echo $?)" = 2
what="and the reason says so"; expect grep -qi "expire" "$tmp/sync.out"
stop_office
start_office
kiosk_conf plain "http://127.0.0.1:$port"
what="plain HTTP is refused"; expect test "$(sync_with plain; echo $?)" = 2
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

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
