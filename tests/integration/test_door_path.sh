#!/bin/bash
# test_door_path.sh - the door path end to end: the PN532 emulator on a pty,
# the unmodified libnfc, `seuil --headless`, the simulated door, the store.
# Taps, held cards, revocation while running, a killed reader, injected
# faults, door inputs and alarms, office requests (fresh and stale), a
# database write-locked by another process, a clean stop and a crash,
# inputs already active at start, the default door, nfc-list.
# usage: test_door_path.sh [BUILD_DIR]
set -u
build=$(cd "${1:-build}" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/door-path.XXXXXX")
sim_pid=
seuil_pid=
cleanup() {
	[ -n "$seuil_pid" ] && kill "$seuil_pid" 2>/dev/null && wait "$seuil_pid" 2>/dev/null
	[ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
export SEUIL_DB="$tmp/seuil.db"
export SEUIL_READER_CONTROL="$tmp/reader.sock"
export SEUIL_DOOR_CONTROL="$tmp/door.sock"
ctl="$build/seuilctl"
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
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
expect() { if "$@"; then ok "$what"; else not_ok "$what"; fi; }
reader() { "$build/pn532-sim" --control "$tmp/reader.sock" --send "$*" >/dev/null; }
door() { "$ctl" sim door "$@" >/dev/null; }
decisions() { "$ctl" events | grep -c '"kind":"decision"'; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# mono_at FILE FROM PATTERN: the monotonic ms (2nd field) of the first line after FROM matching PATTERN
mono_at() { tail -n +$(($2 + 1)) "$1" | grep -m 1 -- "$3" | awk '{print $2}'; }
max_seq() { "$ctl" events | sed -n 's/^{"seq":\([0-9]*\),.*/\1/p' | tail -n 1; }
# seq_of PATTERN: the seq of the last event matching PATTERN
seq_of() { "$ctl" events | grep -- "$1" | tail -n 1 | sed -n 's/^{"seq":\([0-9]*\),.*/\1/p'; }
last_reason() { "$ctl" events | grep '"kind":"decision"' | tail -n 1 | sed 's/.*"reason":"\([a-z_]*\)".*/\1/'; }

cat >"$tmp/directory.json" <<'JSON'
{"site": {"name": "Pôle de coopération", "timezone": "Europe/Paris"},
 "doors": [{"id": "entree", "name": "Entrée principale", "unlock_ms": 1500}],
 "schedules": [{"id": "toujours", "holidays": "open",
                "windows": [{"days": "all", "from": "00:00", "to": "24:00"}]}],
 "profiles": [{"id": "resident", "doors": ["entree"], "schedule": "toujours"}],
 "tenants": [{"id": "scop-btp", "name": "Scop BTP", "profiles": ["resident"]}],
 "people": [{"id": "p-camille", "name": "Camille Martin", "tenant": "scop-btp"},
            {"id": "p-lea", "name": "Léa Moreau", "tenant": "scop-btp"}],
 "credentials": [{"uid": "04A1B2C3D4E5F6", "person": "p-camille"},
                 {"uid": "8E3F21A7", "person": "p-lea"},
                 {"uid": "04112233445566778899", "person": "p-lea"}]}
JSON
cat >"$tmp/seuil.conf" <<EOF2
[device]
id = test-entree
door = entree
[reader]
connstring = pn532_uart:$tmp/pn532
present_check_ms = 50
backoff_max_ms = 500
[door]
backend = sim
held_open_s = 2
rex_unlock_ms = 1000
[sim]
log = $tmp/door.log
control = $tmp/door.sock
EOF2
"$ctl" init >/dev/null && "$ctl" import "$tmp/directory.json" >/dev/null || { echo "setup failed"; exit 1; }

start_sim() {
	"$build/pn532-sim" --link "$tmp/pn532" --control "$tmp/reader.sock" 2>>"$tmp/sim.log" &
	sim_pid=$!
	for _ in $(seq 100); do [ -S "$tmp/reader.sock" ] && [ -e "$tmp/pn532" ] && return 0; sleep 0.05; done
	return 1
}
start_seuil() {
	"$build/seuil" --headless --config "$tmp/seuil.conf" 2>>"$tmp/seuil.log" &
	seuil_pid=$!
}

start_sim || { echo "the emulator did not start"; exit 1; }
start_seuil
what="seuil connects to the emulated reader"; expect wait_for "$tmp/seuil.log" "reader connected" 10
what="the door log starts with the relay off"; expect test "$(head -n 1 "$tmp/door.log" 2>/dev/null | grep -c 'relay off')" = 1

# a known badge opens for the pulse, and the journal says granted
n=$(lines "$tmp/door.log")
reader insert 04A1B2C3D4E5F6
what="known badge: relay on"; expect wait_for "$tmp/door.log" "relay on" 2 "$n"
what="known badge: green LED and a short beep"; expect wait_for "$tmp/door.log" "led green" 1 "$n"
what="known badge: relay off after the pulse"; expect wait_for "$tmp/door.log" "relay off" 3 "$n"
what="known badge: journal says granted"; expect test "$(last_reason)" = granted
# held for 5 s: one decision only
before=$(decisions)
sleep 5
what="card held 5 s: still one decision"; expect test "$(decisions)" = "$before"
reader remove
sleep 0.5
n=$(lines "$tmp/door.log")
reader insert 04A1B2C3D4E5F6
what="lifted and tapped again: a second decision"; expect wait_for "$tmp/door.log" "relay on" 2 "$n"
sleep 0.3
what="exactly one more decision"; expect test "$(decisions)" = $((before + 1))
reader remove
sleep 0.4

# an unknown badge: no relay, unknown_credential, red LED
n=$(lines "$tmp/door.log")
reader insert 0A0B0C0D
what="unknown badge: red LED"; expect wait_for "$tmp/door.log" "led red" 2 "$n"
what="unknown badge: no relay"; expect test "$(tail -n +$((n + 1)) "$tmp/door.log" | grep -c 'relay on')" = 0
what="unknown badge: unknown_credential"; expect test "$(last_reason)" = unknown_credential
reader remove
sleep 0.4

# 4- and 10-byte UIDs
for uid in 8E3F21A7 04112233445566778899; do
	sleep 1.6
	n=$(lines "$tmp/door.log")
	reader insert "$uid"
	what="${#uid}-digit UID opens"; expect wait_for "$tmp/door.log" "relay on" 2 "$n"
	reader remove
	sleep 0.4
done

# revoked while running
"$ctl" revoke --uid 04A1B2C3D4E5F6 >/dev/null
sleep 1.6
n=$(lines "$tmp/door.log")
reader insert 04A1B2C3D4E5F6
what="revoked while running: refused"; expect wait_for "$tmp/door.log" "led red" 2 "$n"
what="revoked: credential_revoked in the journal"; expect test "$(last_reason)" = credential_revoked
reader remove
"$ctl" revoke --uid 04A1B2C3D4E5F6 --restore >/dev/null
sleep 0.4

# the reader killed and restarted: taps work again within 2 s
kill -9 "$sim_pid"; wait "$sim_pid" 2>/dev/null
rm -f "$tmp/reader.sock" "$tmp/pn532"
what="a dead reader is noticed"; expect wait_for "$tmp/seuil.log" "reader lost" 5
m=$(lines "$tmp/seuil.log")
start_sim
t0=$(date +%s%N)
what="the restarted reader is reconnected"; expect wait_for "$tmp/seuil.log" "reader connected" 3 "$m"
n=$(lines "$tmp/door.log")
reader insert 04A1B2C3D4E5F6
if wait_for "$tmp/door.log" "relay on" 3 "$n"; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	what="a tap works ${ms} ms after the reader came back (within 2 s)"; expect test "$ms" -le 2000
else
	not_ok "a tap works after the reader came back"
fi
reader remove
sleep 1.6

# injected faults: no crash, no unlock, recovery
for f in bad-checksum garbage mute vanish; do
	n=$(lines "$tmp/door.log")
	reader fault "$f"
	reader insert 0A0B0C0D
	sleep 1.5
	what="fault $f: no unlock"; expect test "$(tail -n +$((n + 1)) "$tmp/door.log" | grep -c 'relay on')" = 0
	what="fault $f: seuil still running"; expect kill -0 "$seuil_pid"
	reader remove
	if [ "$f" = vanish ]; then reader reappear; else reader fault none; fi
	sleep 1
	n=$(lines "$tmp/door.log")
	reader insert 04A1B2C3D4E5F6
	what="after fault $f: a known badge opens again"; expect wait_for "$tmp/door.log" "relay on" 4 "$n"
	reader remove
	sleep 1.6
done

# door inputs and alarms
door contact open
sleep 0.3
what="forced open: alarm journaled"; expect test "$("$ctl" events | grep -c '"reason":"forced_open"')" -ge 1
sleep 2.5
what="held open: alarm journaled"; expect test "$("$ctl" events | grep -c '"reason":"held_open"')" -ge 1
door contact closed
n=$(lines "$tmp/door.log")
door rex press
what="exit button releases the strike"; expect wait_for "$tmp/door.log" "relay on" 1 "$n"
door rex release
sleep 1.3
n=$(lines "$tmp/door.log")
door fire on
what="fire alarm releases the door"; expect wait_for "$tmp/door.log" "relay on" 1 "$n"
sleep 2
what="and holds it while active"; expect test "$(tail -n +$((n + 1)) "$tmp/door.log" | grep -c 'relay off')" = 0
door fire off
what="fire cleared: locked again"; expect wait_for "$tmp/door.log" "relay off" 1 "$n"
what="fire alarm journaled"; expect test "$("$ctl" events | grep -c '"reason":"fire"')" -ge 1
door tamper on
sleep 0.3
what="tamper alarm journaled"; expect test "$("$ctl" events | grep -c '"reason":"tamper"')" -ge 1
door tamper off
what="alarms reach the outbox"; expect test "$("$ctl" status | grep -c 'outbox: *0 ')" = 0

# an office unlock_for reaches the door through a request row
n=$(lines "$tmp/door.log")
sqlite3 "$SEUIL_DB" "INSERT INTO requests(kind, body, created_ms) VALUES ('unlock_for', '2', $(now_ms))"
what="a request to hold the door open releases it"; expect wait_for "$tmp/door.log" "relay on" 3 "$n"
what="and locks it when the time is over"; expect wait_for "$tmp/door.log" "relay off" 4 "$n"
what="the fresh request is marked done"; expect test "$(sqlite3 "$SEUIL_DB" "SELECT state FROM requests ORDER BY id DESC LIMIT 1")" = done
# a request written three days ago (seuil was down) is never acted on
n=$(lines "$tmp/door.log")
sqlite3 "$SEUIL_DB" "INSERT INTO requests(kind, body, created_ms) VALUES ('unlock_for', '5', $(($(now_ms) - 3 * 86400000)))"
sleep 1.5
what="a stale request does not release the door"; expect test "$(tail -n +$((n + 1)) "$tmp/door.log" | grep -c 'relay on')" = 0
what="the stale request is marked expired"; expect test "$(sqlite3 "$SEUIL_DB" "SELECT state FROM requests ORDER BY id DESC LIMIT 1")" = expired
what="and journaled as expired"; expect test "$("$ctl" events | grep '"kind":"request"' | grep -c '"reason":"expired"')" = 1

# another process holds the write lock for 6 s (seuil-sync applying a
# directory, an import, a purge): the door keeps its timing, the decision
# and the alarms wait in memory and reach the journal once, in order
sleep 0.5
before=$(decisions)
seq0=$(max_seq)
printf "BEGIN IMMEDIATE;\nINSERT INTO settings(key,value) VALUES('x','1') ON CONFLICT(key) DO UPDATE SET value='2';\n.shell sleep 6\nCOMMIT;\n" |
	sqlite3 "$SEUIL_DB" >/dev/null 2>&1 &
lock_pid=$!
sleep 0.5
n=$(lines "$tmp/door.log")
reader insert 04A1B2C3D4E5F6
if wait_for "$tmp/door.log" "relay on" 2 "$n" && wait_for "$tmp/door.log" "relay off" 4 "$n"; then
	pulse=$(($(mono_at "$tmp/door.log" "$n" "relay off") - $(mono_at "$tmp/door.log" "$n" "relay on")))
	what="store locked: the pulse lasts ${pulse} ms (configured 1500, within 150)"
	expect test "$pulse" -ge 1450 -a "$pulse" -le 1650
else
	not_ok "store locked: the strike is released and locked again"
fi
reader remove
n=$(lines "$tmp/door.log")
t0=$(date +%s%N)
door fire on
if wait_for "$tmp/door.log" "relay on" 1 "$n"; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	what="store locked: the fire input releases the door at once (${ms} ms)"; expect test "$ms" -le 300
else
	not_ok "store locked: the fire input releases the door"
fi
door fire off
wait_for "$tmp/door.log" "relay off" 1 "$n"
what="store locked: the decision is not yet journaled"; expect test "$(decisions)" = "$before"
what="store locked: seuil logs that the journal waits"; expect grep -q "journal writes held back" "$tmp/seuil.log"
wait "$lock_pid"
sleep 0.5
what="lock released: the decision is journaled once"; expect test "$(decisions)" = $((before + 1))
what="lock released: granted"; expect test "$(last_reason)" = granted
sd=$(seq_of '"kind":"decision"'); sr=$(seq_of '"reason":"fire","detail":"raised"'); sc=$(seq_of '"reason":"fire","detail":"cleared"')
what="lock released: seq monotonic in the order of events ($seq0 < $sd < $sr < $sc)"
expect test "$sd" -gt "$seq0" -a "$sr" -gt "$sd" -a "$sc" -gt "$sr"
what="no decision lost to the lock"; expect test "$(grep -c 'cannot journal' "$tmp/seuil.log")" = 0

# SIGTERM: clean exit with the relay off
n=$(lines "$tmp/door.log")
reader insert 04A1B2C3D4E5F6
wait_for "$tmp/door.log" "relay on" 2 "$n"
kill -TERM "$seuil_pid"
wait "$seuil_pid"
rc=$?
seuil_pid=
what="SIGTERM: exit status 0"; expect test "$rc" = 0
what="SIGTERM: the last line is relay off"; expect test "$(tail -n 1 "$tmp/door.log" | grep -c 'relay off')" = 1
reader remove

# a crash while the strike is released: relay off at restart and with --relay-off
start_seuil
wait_for "$tmp/seuil.log" "reader connected" 5 "$(lines "$tmp/seuil.log")"
n=$(lines "$tmp/door.log")
reader insert 04A1B2C3D4E5F6
wait_for "$tmp/door.log" "relay on" 2 "$n"
kill -9 "$seuil_pid"; wait "$seuil_pid" 2>/dev/null; seuil_pid=
n=$(lines "$tmp/door.log")
"$build/seuil" --relay-off --config "$tmp/seuil.conf" 2>/dev/null
what="seuil --relay-off after a crash locks the door"; expect test "$(tail -n +$((n + 1)) "$tmp/door.log" | grep -c 'relay off')" -ge 1
reader remove
n=$(lines "$tmp/door.log")
start_seuil
what="restart after a crash: first thing, relay off"; expect wait_for "$tmp/door.log" "relay off" 2 "$n"
kill -TERM "$seuil_pid"; wait "$seuil_pid"; seuil_pid=

# a door id missing from the directory: said at start, every badge refused, the fault journaled
sed 's/^door = entree$/door = nosuchdoor/' "$tmp/seuil.conf" >"$tmp/bad-door.conf"
m=$(lines "$tmp/seuil.log")
"$build/seuil" --headless --config "$tmp/bad-door.conf" 2>>"$tmp/seuil.log" &
seuil_pid=$!
what="a missing door is reported at start"; expect wait_for "$tmp/seuil.log" 'unknown door "nosuchdoor"' 5 "$m"
wait_for "$tmp/seuil.log" "reader connected" 5 "$m"
n=$(lines "$tmp/door.log")
reader insert 04A1B2C3D4E5F6
what="a badge is refused at an unknown door"; expect wait_for "$tmp/door.log" "led red" 2 "$n"
sleep 0.3
what="and the fault is journaled"; expect test "$("$ctl" events | grep -c '"kind":"fault"')" -ge 1
reader remove
kill -TERM "$seuil_pid"; wait "$seuil_pid"; seuil_pid=

# inputs already active at start, with [device] door left to its default
# (the directory's first door): no crash, the door does what the inputs say,
# the alarms are journaled with the door's id
grep -v '^door = entree$' "$tmp/seuil.conf" >"$tmp/default-door.conf"
start_at() { # start_at INPUTS: seuil with the sim door's inputs active at start
	m=$(lines "$tmp/seuil.log")
	n=$(lines "$tmp/door.log")
	SEUIL_DOOR_SIM_INPUTS="$1" "$build/seuil" --headless --config "$tmp/default-door.conf" 2>>"$tmp/seuil.log" &
	seuil_pid=$!
}
# after: the events journaled since seq0
after() { "$ctl" events | awk -F'"seq":' -v s="$seq0" '{split($2,a,","); if (a[1] > s) print}'; }
seq0=$(max_seq)
start_at "fire on"
what="fire active at start: the door is released"; expect wait_for "$tmp/door.log" "relay on" 3 "$n"
sleep 2
what="fire active at start: seuil runs"; expect kill -0 "$seuil_pid"
what="fire active at start: the door stays released"; expect test "$(tail -n +$((n + 2)) "$tmp/door.log" | grep -c 'relay off')" = 0
what="fire active at start: the alarm is journaled"; expect test "$(after | grep -c '"kind":"alarm","door":"entree","reason":"fire","detail":"raised"')" = 1
what="the default door's alarms name it"; expect test "$(after | grep '"kind":"alarm"' | grep -c '"door":"entree"')" -ge 1 -a "$(after | grep '"kind":"alarm"' | grep -vc '"door":"entree"')" = 0
wait_for "$tmp/seuil.log" "reader connected" 5 "$m"
reader insert 8E3F21A7
sleep 0.5
reader remove
what="the default door's decisions name it too"; expect test "$(after | grep '"kind":"decision"' | grep -c '"door":"entree"')" = 1
k=$(lines "$tmp/door.log")
door fire off
what="fire cleared after a start in fire: locked"; expect wait_for "$tmp/door.log" "relay off" 1 "$k"
sleep 0.3
what="the default door's cleared alarm names it"; expect test "$(after | grep -c '"kind":"alarm","door":"entree","reason":"fire","detail":"cleared"')" = 1
kill -TERM "$seuil_pid"; wait "$seuil_pid"; rc=$?; seuil_pid=
what="fire active at start: clean exit"; expect test "$rc" = 0
what="fire active at start: no crash in the log"; expect test "$(tail -n +$((m + 1)) "$tmp/seuil.log" | grep -ci 'segmentation\|cannot journal')" = 0

seq0=$(max_seq)
start_at "contact open, tamper on"
sleep 1
what="door open at start: seuil runs"; expect kill -0 "$seuil_pid"
what="door open at start: no release"; expect test "$(tail -n +$((n + 2)) "$tmp/door.log" | grep -c 'relay on')" = 0
what="door open at start: forced_open journaled"; expect test "$(after | grep -c '"door":"entree","reason":"forced_open","detail":"raised"')" = 1
what="tamper at start: journaled"; expect test "$(after | grep -c '"door":"entree","reason":"tamper","detail":"raised"')" = 1
sleep 1.5
what="door open at start: held_open once held_open_s is over"; expect test "$(after | grep -c '"reason":"held_open","detail":"raised"')" = 1
door contact closed
door tamper off
sleep 0.3
what="closed again: the alarms clear"; expect test "$(after | grep -c '"detail":"cleared"')" = 3
kill -TERM "$seuil_pid"; wait "$seuil_pid"; seuil_pid=
m=$(lines "$tmp/seuil.log")
SEUIL_DOOR_SIM_INPUTS="fire sideways" "$build/seuil" --headless --config "$tmp/default-door.conf" 2>>"$tmp/seuil.log"
rc=$?
what="a malformed SEUIL_DOOR_SIM_INPUTS stops the start"; expect test "$rc" = 2
what="naming it"; expect wait_for "$tmp/seuil.log" "SEUIL_DOOR_SIM_INPUTS" 1 "$m"

# libnfc's own tool sees the card on the emulator
reader insert 04A1B2C3D4E5F6
out=$(LIBNFC_DEFAULT_DEVICE="pn532_uart:$tmp/pn532" timeout 20 nfc-list 2>&1)
what="nfc-list lists the inserted UID"; expect grep -q "04  a1  b2  c3  d4  e5  f6" <<<"$out"
what="seuil's log holds no full UID"; expect test "$(grep -ci '04a1b2c3d4e5f6' "$tmp/seuil.log")" = 0
what="no sanitizer report in seuil's log"; expect test "$(grep -c 'AddressSanitizer\|LeakSanitizer\|runtime error:' "$tmp/seuil.log")" = 0

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
