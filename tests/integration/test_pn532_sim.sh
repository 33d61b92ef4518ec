#!/bin/bash
# test_pn532_sim.sh - the PN532 emulator against the unmodified libnfc
# tools (nfc-list, nfc-poll from Debian's libnfc-bin / libnfc-examples).
#
# usage: tests/integration/test_pn532_sim.sh [BUILD_DIR]   (default: build)
#
# Starts BUILD_DIR/pn532-sim on a pty in a temporary directory, drives it
# through its control socket (pn532-sim --send) and checks what libnfc
# sees.  Prints one `ok - ...` / `not ok - ...` line per check and ends
# with `N passed, M failed`; exits non-zero if any check failed.  The
# temporary directory is removed and the emulator killed on exit.

set -u

BUILD=${1:-build}
SIM=$BUILD/pn532-sim
PASSED=0
FAILED=0
SIM_PID=
SIM2_PID=

if [ ! -x "$SIM" ]; then
	echo "not ok - $SIM is not built"
	echo "0 passed, 1 failed"
	exit 1
fi
for tool in nfc-list nfc-poll timeout; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "not ok - $tool is not installed (apt-get install libnfc-bin libnfc-examples)"
		echo "0 passed, 1 failed"
		exit 1
	fi
done

DIR=$(mktemp -d "${TMPDIR:-/tmp}/pn532-sim.XXXXXX") || exit 1
case $DIR in *:*)
	echo "not ok - temporary directory $DIR contains ':', which libnfc cannot take"
	rm -rf "$DIR"
	echo "0 passed, 1 failed"
	exit 1
	;;
esac

cleanup() {
	for pid in $SIM_PID $SIM2_PID; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	rm -rf "$DIR"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

LINK=$DIR/pn532
CTL=$DIR/ctl
export LIBNFC_DEFAULT_DEVICE="pn532_uart:$LINK"
export LIBNFC_AUTO_SCAN=false
export LIBNFC_INTRUSIVE_SCAN=false
export LIBNFC_LOG_LEVEL=1

ok() {
	PASSED=$((PASSED + 1))
	echo "ok - $*"
}

not_ok() {
	FAILED=$((FAILED + 1))
	echo "not ok - $*"
}

# check DESCRIPTION COMMAND...: ok when COMMAND succeeds
check() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

send() {
	"$SIM" --control "$CTL" --send "$*" >"$DIR/send.out" 2>&1
}

# waits up to 5 s for a path to exist (-e) or be gone (!)
wait_for() {
	local i
	for i in $(seq 50); do
		if [ "$1" = "!" ]; then [ ! -e "$2" ] && [ ! -L "$2" ] && return 0
		else [ -e "$1" ] && return 0
		fi
		sleep 0.1
	done
	return 1
}

alive() {
	kill -0 "$SIM_PID" 2>/dev/null
}

# runs nfc-list into $DIR/list.out; returns nfc-list's status
list() {
	timeout 30 nfc-list >"$DIR/list.out" 2>&1
}

# the UID as nfc-list prints it: "04  a1  b2  ..."
uid_pattern() {
	echo "$1" | tr 'A-F' 'a-f' | sed 's/../&  /g; s/  $//'
}

# list_shows UIDHEX ATQA SAK: nfc-list finds exactly that one card
list_shows() {
	list || return 1
	grep -q "^1 ISO14443A passive target(s) found" "$DIR/list.out" || return 1
	grep -q "UID (NFCID1): $(uid_pattern "$1")" "$DIR/list.out" || return 1
	grep -q "ATQA (SENS_RES): $(uid_pattern "$2")" "$DIR/list.out" || return 1
	grep -q "SAK (SEL_RES): $3" "$DIR/list.out" || return 1
	[ "$(grep -c 'passive target(s) found' "$DIR/list.out")" -eq 1 ]
}

list_shows_nothing() {
	list || return 1
	grep -q "NFC device: .* opened" "$DIR/list.out" && ! grep -q "target(s) found" "$DIR/list.out"
}

# after a fault: nfc-list did not report a card it could not have read
list_failed_cleanly() {
	list
	! grep -q "target(s) found" "$DIR/list.out"
}

start_sim() {
	"$SIM" --link "$LINK" --control "$CTL" 2>"$DIR/sim.log" &
	SIM_PID=$!
	wait_for "$CTL" && [ -L "$LINK" ]
}

# ---- start-up and argument checks ----

check "refuses a link path with ':'" \
	sh -c "! '$SIM' --link '$DIR/a:b' 2>'$DIR/colon.err' && grep -q \"contains ':'\" '$DIR/colon.err' && [ ! -e '$DIR/a:b' ]"
check "--help documents the control commands" sh -c "'$SIM' --help | grep -q reappear"
check "emulator starts with a pty link and a control socket" start_sim

# ---- nfc-list ----

check "nfc-list with no card finds no target" list_shows_nothing

check "insert a 7-byte UID" send insert 04A1B2C3D4E5F6
check "nfc-list shows the 7-byte UID, ATQA 0044, SAK 00" list_shows 04A1B2C3D4E5F6 0044 00

check "insert a 4-byte UID" send insert 1A2B3C4D
check "nfc-list shows the 4-byte UID, ATQA 0004, SAK 08" list_shows 1A2B3C4D 0004 08

check "insert a 10-byte UID" send insert 0102030405060708090A
check "nfc-list shows the 10-byte UID, ATQA 0084, SAK 00" list_shows 0102030405060708090A 0084 00

check "insert with atqa= and sak=" send insert 11223344 atqa=0002 sak=18
check "nfc-list shows the given ATQA and SAK" list_shows 11223344 0002 18

check "insert an ISO14443-4 card with ats=" send insert 04A1B2C3D4E5F6 ats=757781028002
list_shows_ats() {
	list_shows 04A1B2C3D4E5F6 0044 20 && grep -q "ATS: 75  77  81  02  80  02" "$DIR/list.out"
}
check "nfc-list shows its SAK 20 and ATS" list_shows_ats

check "a 5-byte UID is refused with an error" sh -c "! '$SIM' --control '$CTL' --send 'insert 0102030405' >'$DIR/bad.out' && grep -q '^error ' '$DIR/bad.out'"
check "an unknown command is refused with an error" sh -c "! '$SIM' --control '$CTL' --send 'dance' >'$DIR/bad.out' && grep -q '^error ' '$DIR/bad.out'"

check "remove" send remove
check "nfc-list after remove finds no target" list_shows_nothing

# ---- nfc-poll ----

poll_with_late_card() {
	local start end
	start=$(now_ms)
	timeout -s INT 30 nfc-poll >"$DIR/poll.out" 2>&1 &
	local poll_pid=$!
	sleep 1
	send insert 04A1B2C3D4E5F6 || return 1
	# nfc-poll prints the card, then waits for it to leave
	for _ in $(seq 50); do
		grep -q "Waiting for card removing" "$DIR/poll.out" && break
		sleep 0.1
	done
	send remove || return 1
	wait "$poll_pid"
	end=$(now_ms)
	grep -q "UID (NFCID1): $(uid_pattern 04A1B2C3D4E5F6)" "$DIR/poll.out" || return 1
	# without the card the poll would have lasted 20 x 2 x 150 ms = 6 s
	[ $((end - start)) -lt 5000 ]
}
check "nfc-poll sees a card inserted a second after it started, at once" poll_with_late_card

poll_without_card() {
	timeout -s INT 30 nfc-poll >"$DIR/poll.out" 2>&1
	grep -q "No target found" "$DIR/poll.out"
}
check "nfc-poll with no card says no target found" poll_without_card

poll_aborted() {
	local start end
	start=$(now_ms)
	timeout -s INT 1 nfc-poll >"$DIR/poll.out" 2>&1
	end=$(now_ms)
	# libnfc aborts the pending InAutoPoll with an ACK frame; the reader stays usable
	[ $((end - start)) -lt 3000 ] && list_shows_nothing
}
check "nfc-poll interrupted (ACK abort), then nfc-list works" poll_aborted

# ---- control socket: several clients ----

parallel_clients() {
	local pids="" i rc=0
	for i in 1 2 3 4 5 6; do
		"$SIM" --control "$CTL" --send "fault none" >"$DIR/par.$i" 2>&1 &
		pids="$pids $!"
	done
	for i in $pids; do wait "$i" || rc=1; done
	[ $rc -eq 0 ] && [ "$(cat "$DIR"/par.* | grep -c '^ok$')" -eq 6 ]
}
check "six control clients at once all get ok" parallel_clients

# ---- faults ----

check "insert a card for the fault checks" send insert 04A1B2C3D4E5F6

for fault in bad-checksum garbage; do
	check "fault $fault accepted" send fault "$fault"
	check "fault $fault: nfc-list fails cleanly" list_failed_cleanly
	check "fault $fault: emulator alive" alive
	check "fault $fault: next nfc-list sees the card (one-shot)" list_shows 04A1B2C3D4E5F6 0044 00
done

check "fault mute accepted" send fault mute
check "fault mute: nfc-list fails cleanly" list_failed_cleanly
check "fault mute: still mute on a second try" list_failed_cleanly
check "fault none clears mute" send fault none
check "after mute: emulator alive" alive
check "after mute: nfc-list sees the card" list_shows 04A1B2C3D4E5F6 0044 00

check "fault vanish accepted" send fault vanish
check "fault vanish: link removed" wait_for ! "$LINK"
check "fault vanish: nfc-list fails cleanly" list_failed_cleanly
check "fault vanish: emulator alive" alive
check "fault none does not bring the device back" sh -c "'$SIM' --control '$CTL' --send 'fault none' >/dev/null && [ ! -e '$LINK' ]"
check "reappear re-creates the link" sh -c "'$SIM' --control '$CTL' --send reappear >/dev/null && [ -L '$LINK' ]"
check "after reappear: nfc-list sees the card" list_shows 04A1B2C3D4E5F6 0044 00
check "reappear when present is an error" sh -c "! '$SIM' --control '$CTL' --send reappear >/dev/null"

check "unknown fault refused" sh -c "! '$SIM' --control '$CTL' --send 'fault fire' >/dev/null"

# ---- raw frames on the pty, without libnfc ----

# frame PAYLOADHEX: the hex of a PN532 frame carrying PAYLOADHEX (TFI included),
# normal up to 255 bytes, extended above; written independently of pn532_frame.c
frame() {
	local p=$1 n=$((${#1} / 2)) sum=0 i hi lo
	for ((i = 0; i < ${#p}; i += 2)); do
		sum=$(((sum + 16#${p:i:2}) & 255))
	done
	if [ "$n" -le 255 ]; then
		printf '0000ff%02x%02x%s%02x00' "$n" $(((256 - n) & 255)) "$p" $(((256 - sum) & 255))
	else
		hi=$((n >> 8))
		lo=$((n & 255))
		printf '0000ffffff%02x%02x%02x%s%02x00' "$hi" "$lo" $(((256 - hi - lo) & 255)) "$p" \
			$(((256 - sum) & 255))
	fi
}

ACK=0000ff00ff00

# raw REQUESTHEX NBYTES: writes the bytes to the pty, prints the hex of the
# NBYTES read back (fewer after 2 s).  In a subshell, so that the pty can
# never become this script's controlling terminal.
raw() {
	(
		exec 3<>"$LINK" || exit 1
		local h=$1 i
		for ((i = 0; i < ${#h}; i += 2)); do
			printf "\\x${h:i:2}"
		done >&3
		timeout 2 head -c "$2" <&3 | od -An -v -tx1 | tr -d ' \n'
	)
}

# raw_is REQUESTHEX EXPECTEDHEX
raw_is() {
	local got
	got=$(raw "$1" $((${#2} / 2)))
	[ "$got" = "$2" ] || { echo "# sent $1, expected $2, got $got"; return 1; }
}

FW=$(frame d50332010607)
check "raw: GetFirmwareVersion answers ACK then PN532 v1.6" raw_is "$(frame d402)" "$ACK$FW"
check "raw: a NACK gets the last response again" raw_is 0000ffff0000 "$FW"
check "raw: wake-up preamble before a command is skipped" \
	raw_is "555500000000000000000000000000$(frame d402)" "$ACK$FW"
check "raw: an unknown command gets the syntax-error frame" raw_is "$(frame d404)" "${ACK}0000ff01ff7f8100"
check "raw: ReadRegister of several addresses" \
	raw_is "$(frame d408630211ffb022)$(frame d40663026302ffb0)" "$ACK$(frame d509)$ACK$(frame d507111122)"
LONG=$(printf '5a%.0s' $(seq 257))
check "raw: extended frames in and out (Diagnose echo of 257 bytes)" \
	raw_is "$(frame d40000$LONG)" "$ACK$(frame d50100$LONG)"
check "raw: a frame with a bad data checksum is ignored, the next one answered" \
	raw_is "0000ff02fed4022b00$(frame d402)" "$ACK$FW"
check "raw: InListPassiveTarget with a card" \
	raw_is "$(frame d44a0100)" "$ACK$(frame d54b01010044000704a1b2c3d4e5f6)"
check "after raw frames: nfc-list still sees the card" list_shows 04A1B2C3D4E5F6 0044 00

# ---- shutdown ----

quit_ends() {
	send quit || return 1
	wait "$SIM_PID"
	local rc=$?
	SIM_PID=
	[ $rc -eq 0 ] && [ ! -e "$CTL" ] && [ ! -L "$LINK" ]
}
check "quit ends the emulator with status 0 and removes link and socket" quit_ends

verbose_masks_uid() {
	"$SIM" --link "$DIR/second" --control "$DIR/ctl2" --verbose 2>"$DIR/sim2.log" &
	SIM2_PID=$!
	wait_for "$DIR/ctl2" || return 1
	"$SIM" --control "$DIR/ctl2" --send "insert 04A1B2C3D4E5F6" >/dev/null || return 1
	LIBNFC_DEFAULT_DEVICE="pn532_uart:$DIR/second" timeout 30 nfc-list >"$DIR/list2.out" 2>&1
	grep -q "UID (NFCID1): $(uid_pattern 04A1B2C3D4E5F6)" "$DIR/list2.out" &&
		grep -q "debug: chip > host" "$DIR/sim2.log" &&
		! grep -qi -e "A1 B2 C3 D4" -e "B2 C3 D4 E5" -e "C3 D4 E5 F6" -e 04A1B2C3D4E5F6 "$DIR/sim2.log"
}
check "--verbose logs frames at debug level with the UID masked" verbose_masks_uid

sigterm_ends() {
	[ -n "$SIM2_PID" ] || return 1
	kill -TERM "$SIM2_PID"
	wait "$SIM2_PID"
	local rc=$?
	SIM2_PID=
	[ $rc -eq 0 ] && [ ! -e "$DIR/ctl2" ] && [ ! -L "$DIR/second" ]
}
check "SIGTERM ends the emulator cleanly (link and socket removed)" sigterm_ends

check "the emulator log never shows a full UID" sh -c "! grep -qi -e 04A1B2C3D4E5F6 -e 0102030405060708090A -e 1A2B3C4D '$DIR/sim.log'"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
