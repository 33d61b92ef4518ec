#!/bin/bash
# test_seuilctl.sh - seuilctl as an installer uses it: the issue's example
# directory, decisions at telling moments, exit codes, --help on every
# command, errors that leave the database unchanged, the journal formats.
# usage: test_seuilctl.sh [BUILD_DIR]
set -u
build=${1:-build}
ctl="$(cd "$build" && pwd)/seuilctl"
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/seuilctl-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export SEUIL_DB="$tmp/seuil.db"
unset TZ
passed=0
failed=0

ok() { echo "ok - $1"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $1"; failed=$((failed + 1)); }
check() { # description, then a command that must succeed
	local what=$1
	shift
	if "$@" >"$tmp/out" 2>"$tmp/err"; then ok "$what"; else not_ok "$what"; sed 's/^/#   /' "$tmp/out" "$tmp/err"; fi
}
expect_exit() { # description, expected status, command...
	local what=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local got=$?
	if [ "$got" -eq "$want" ]; then ok "$what"; else not_ok "$what (exit $got, wanted $want)"; sed 's/^/#   /' "$tmp/out" "$tmp/err"; fi
}
out_has() { grep -q -- "$2" "$tmp/out" && ok "$1" || { not_ok "$1"; sed 's/^/#   /' "$tmp/out"; }; }
err_has() { grep -q -- "$2" "$tmp/err" && ok "$1" || { not_ok "$1"; sed 's/^/#   /' "$tmp/err"; }; }
fingerprint() { "$ctl" status | grep -v '^database' ; "$ctl" events | wc -l; }

cat >"$tmp/example.json" <<'JSON'
{"site": {"name": "Pôle de coopération", "timezone": "Europe/Paris"},
 "doors": [{"id": "entree", "name": "Entrée principale"}],
 "schedules": [{"id": "bureaux", "holidays": "closed",
                "windows": [{"days": "mon-fri", "from": "07:00", "to": "20:00"},
                            {"days": "sat", "from": "09:00", "to": "13:00"}]},
               {"id": "soiree", "holidays": "open",
                "windows": [{"days": "fri", "from": "22:00", "to": "02:00"}]}],
 "profiles": [{"id": "resident", "doors": ["entree"], "schedule": "bureaux"},
              {"id": "evenement", "doors": ["entree"], "schedule": "soiree"}],
 "tenants": [{"id": "scop-btp", "name": "Scop BTP", "status": "active",
              "valid_until": "2027-12-31", "profiles": ["resident"]}],
 "people": [{"id": "p-camille", "name": "Camille Martin", "tenant": "scop-btp",
             "role": "member", "profiles": ["evenement"]}],
 "credentials": [{"uid": "04A1B2C3D4E5F6", "person": "p-camille", "status": "active"}],
 "closures": [{"date": "2026-12-24", "name": "Fermeture de fin d'année"}]}
JSON

expect_exit "a command before init fails with status 2" 2 "$ctl" status
err_has "and says to run init" "seuilctl init"
check "init creates the database" "$ctl" init
check "init again is harmless" "$ctl" init
check "the issue's example imports as is" "$ctl" import "$tmp/example.json"
expect_exit "decide at 2026-11-27T08:00:00Z grants (exit 0)" 0 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
out_has "the decision is the documented JSON" '^{"granted":true,"reason":"granted","person":"p-camille","tenant":"scop-btp","unlock_ms":5000}$'
expect_exit "decide at 2026-12-24T08:00:00Z denies (exit 1)" 1 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-12-24T08:00:00Z
out_has "with reason closed_day" '"reason":"closed_day"'
expect_exit "the same in another TZ" 1 env TZ=Pacific/Auckland "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-12-24T08:00:00Z
out_has "still closed_day" '"reason":"closed_day"'
expect_exit "UID with colons, any case" 0 "$ctl" decide --uid 04:A1:b2:C3:d4:E5:f6 --at 2026-11-27T08:00:00Z
expect_exit "Friday window crosses midnight into Saturday 01:30 local" 0 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-28T01:30
expect_exit "Saturday night 01:30 local is not Friday's window" 1 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-29T01:30
out_has "outside_schedule" '"reason":"outside_schedule"'
expect_exit "unknown card denied" 1 "$ctl" decide --uid 0A0B0C0D
out_has "unknown_credential with null holder" '"reason":"unknown_credential","person":null,"tenant":null'
expect_exit "malformed UID is an error (2)" 2 "$ctl" decide --uid 04A1B2
expect_exit "unknown door is an error (2)" 2 "$ctl" decide --uid 04a1b2c3d4e5f6 --door cave
expect_exit "bad --at is an error (2)" 2 "$ctl" decide --uid 04a1b2c3d4e5f6 --at tomorrow
check "decide without --record writes nothing" test "$("$ctl" events | wc -l)" -eq 0
check "decide --record journals" "$ctl" decide --record --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
"$ctl" decide --record --uid 0A0B0C0D --at 2026-11-27T08:00:01Z >/dev/null
"$ctl" events >"$tmp/out"
check "two events recorded" test "$(wc -l <"$tmp/out")" -eq 2
"$ctl" events >"$tmp/out"
if grep -qi "0a0b0c0d\|04a1b2c3d4e5f6" "$tmp/out"; then not_ok "the journal holds no card identifier"; else ok "the journal holds no card identifier"; fi
out_has "jsonl has seq and reason" '"seq":2,.*"reason":"unknown_credential"'
check "events --since 1" "$ctl" events --since 1
check "--since 1 prints one event" test "$(wc -l <"$tmp/out")" -eq 1
check "events --format csv" "$ctl" events --format csv
out_has "csv header" '^seq,at,device,kind,door,granted,reason,person,tenant,visitor,credential_hash,detail$'

# revocation, lockdown, enrolment
check "revoke" "$ctl" revoke --uid 04:a1:b2:c3:d4:e5:f6
expect_exit "revoked badge denied" 1 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
out_has "credential_revoked" '"reason":"credential_revoked"'
check "revoke --lost" "$ctl" revoke --uid 04a1b2c3d4e5f6 --lost
expect_exit "lost badge denied" 1 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
out_has "credential_lost" '"reason":"credential_lost"'
check "revoke --restore" "$ctl" revoke --uid 04a1b2c3d4e5f6 --restore
expect_exit "revoking an unknown badge is an error" 2 "$ctl" revoke --uid 0A0B0C0D
check "lockdown on" "$ctl" lockdown on
expect_exit "lockdown denies a member" 1 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
out_has "reason lockdown" '"reason":"lockdown"'
check "lockdown off" "$ctl" lockdown off
check "enroll a second badge" "$ctl" enroll --uid 08112233 --person p-camille --until 2026-12-31
expect_exit "the new badge opens" 0 "$ctl" decide --uid 08112233 --at 2026-11-27T08:00:00Z
expect_exit "and expires after its date" 1 "$ctl" decide --uid 08112233 --at 2027-01-04T08:00:00Z
out_has "credential_expired" '"reason":"credential_expired"'
expect_exit "enroll for an unknown person fails" 2 "$ctl" enroll --uid 08112244 --person nobody

# bad files: a clear error naming the place, and nothing changed
fingerprint >"$tmp/before"
printf '{"people": [{"id": "p-x", "name": "X", "tenant": "scop-xyz"}]}' >"$tmp/bad1.json"
expect_exit "unknown tenant refused" 2 "$ctl" import "$tmp/bad1.json"
err_has "error names the JSON path" '\$\.people\[0\]\.tenant'
printf '{"credentials": [{"uid": "04A1B2C3D4E5F6", "person": "p-camille", "valid_untill": "2027-01-01"}]}' >"$tmp/bad2.json"
expect_exit "a misspelt field refused" 2 "$ctl" import "$tmp/bad2.json"
err_has "names the field" 'valid_untill'
printf '{"doors": [{"id": "entree", "name": "Entrée"}], "tenants": [' >"$tmp/bad3.json"
expect_exit "truncated JSON refused" 2 "$ctl" import "$tmp/bad3.json"
err_has "names the line" 'line 1'
printf 'person,name,tenant,uid\np-a,Alex,scop-btp,04111111\np-b,Bea,scop-btp,0411\n' >"$tmp/bad.csv"
expect_exit "a bad UID on line 3 of a CSV refused" 2 "$ctl" import "$tmp/bad.csv"
err_has "names line 3" 'line 3'
fingerprint >"$tmp/after"
check "the database is unchanged by the refused imports" cmp -s "$tmp/before" "$tmp/after"

# CSV, replace
printf 'person;name;tenant;uid;status\np-a;Alex Morin;scop-btp;04:11:11:11;active\np-a;Alex Morin;scop-btp;04222222;lost\n' >"$tmp/ok.csv"
check "semicolon CSV imports" "$ctl" import "$tmp/ok.csv"
expect_exit "CSV badge opens" 0 "$ctl" decide --uid 04111111 --at 2026-11-27T08:00:00Z
printf 'person,name,tenant,uid,,\r\np-c,Chris Roy,scop-btp,04333333,,\r\n' >"$tmp/spreadsheet.csv"
check "a spreadsheet's empty trailing columns and CRLF are fine" "$ctl" import "$tmp/spreadsheet.csv"
printf 'person,name,,uid\np-d,Dana,oops,04444444\n' >"$tmp/unnamed.csv"
expect_exit "a value under a column with no name is refused" 2 "$ctl" import "$tmp/unnamed.csv"
expect_exit "--lost and --blocked together are refused" 2 "$ctl" revoke --uid 04333333 --lost --blocked
check "import --replace with the example" "$ctl" import --replace "$tmp/example.json"
expect_exit "a person absent from the file is gone" 1 "$ctl" decide --uid 04111111 --at 2026-11-27T08:00:00Z
out_has "unknown_credential after replace" '"reason":"unknown_credential"'

# purge and status
check "purge at a date 4 months on" "$ctl" purge --at 2027-04-01T00:00:00Z
check "status" "$ctl" status
out_has "status names the site" 'Pôle de coopération'

# pin: staff only, digits only, from standard input, never in the journal
cat >"$tmp/staff.json" <<'JSON'
{"people": [{"id": "p-sacha", "name": "Sacha Petit", "tenant": "scop-btp", "role": "staff"}]}
JSON
check "a staff member is imported" "$ctl" import "$tmp/staff.json"
printf '2468\n' >"$tmp/pin"
check "pin sets a staff PIN from standard input" "$ctl" pin p-sacha <"$tmp/pin"
out_has "and says so" 'PIN of p-sacha set'
expect_exit "pin refuses a person who is not staff" 2 "$ctl" pin p-camille <"$tmp/pin"
err_has "and says why" 'not staff'
expect_exit "pin refuses an unknown person" 2 "$ctl" pin p-nobody <"$tmp/pin"
printf '12\n' | { expect_exit "pin refuses a PIN of 2 digits" 2 "$ctl" pin p-sacha; }
printf '12a4\n' | { expect_exit "pin refuses a PIN with a letter" 2 "$ctl" pin p-sacha; }
expect_exit "pin refuses an empty standard input" 2 "$ctl" pin p-sacha </dev/null
expect_exit "pin wants a person" 2 "$ctl" pin
check "pin --clear" "$ctl" pin --clear p-sacha
check "the PIN changes are journaled" "$ctl" events
out_has "pin_set in the journal" '"kind":"staff","reason":"pin_set"'
out_has "pin_clear in the journal" '"reason":"pin_clear"'
if grep -q 2468 "$tmp/out"; then not_ok "the PIN is not in the journal"; else ok "the PIN is not in the journal"; fi
if command -v sqlite3 >/dev/null; then
	"$ctl" pin p-sacha <"$tmp/pin" >/dev/null
	check "only an Argon2id hash is stored" test "$(sqlite3 "$SEUIL_DB" "SELECT substr(pin_hash, 1, 10) FROM people WHERE id = 'p-sacha'")" = '$argon2id$'
fi

# every command has --help, exit 0
for c in init import decide enroll revoke lockdown pin events purge status; do
	expect_exit "$c --help" 0 "$ctl" "$c" --help
done
expect_exit "an unknown command fails" 2 "$ctl" frobnicate
expect_exit "--db on the command line wins over SEUIL_DB" 2 "$ctl" --db "$tmp/none.db" status

# a newer schema is refused and left alone
"$ctl" --db "$tmp/new.db" init >/dev/null
if command -v sqlite3 >/dev/null; then
	sqlite3 "$tmp/new.db" "PRAGMA user_version = 7"
	expect_exit "a database from a newer version is refused" 2 "$ctl" --db "$tmp/new.db" status
	err_has "with a clear message" 'schema version 7'
	check "and keeps its version" test "$(sqlite3 "$tmp/new.db" 'PRAGMA user_version')" = 7
fi

# room bookings: local .ics files into a room, then the occurrences as JSON
# lines (expected by hand: Europe/Paris is UTC+1 until 29 March 2026, UTC+2 after)
cat >"$tmp/rooms.json" <<'JSON'
{"rooms": [{"id": "navale", "name": "Salle Navale", "capacity": 40, "doors": ["entree"]},
           {"id": "atelier", "name": "Atelier"}],
 "people": [{"id": "p-dom", "name": "Dominique", "tenant": "scop-btp", "email": "dom@scop-btp.example"}]}
JSON
check "rooms import" "$ctl" import "$tmp/rooms.json"
sed 's/$/\r/' >"$tmp/navale.ics" <<'ICS'
BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//Seuil//test//FR
BEGIN:VEVENT
UID:hebdo@seuil
DTSTAMP:20260101T000000Z
DTSTART;TZID=Europe/Paris:20260316T100000
DTEND;TZID=Europe/Paris:20260316T110000
RRULE:FREQ=WEEKLY;COUNT=3
EXDATE;TZID=Europe/Paris:20260323T100000
SUMMARY:Réunion d'équipe
ORGANIZER:mailto:dom@scop-btp.example
END:VEVENT
BEGIN:VEVENT
UID:secret@seuil
DTSTAMP:20260101T000000Z
DTSTART:20260317T090000Z
DTEND:20260317T100000Z
CLASS:PRIVATE
SUMMARY:Entretien Dupont
END:VEVENT
BEGIN:VEVENT
UID:salon@seuil
DTSTAMP:20260101T000000Z
DTSTART;VALUE=DATE:20260318
SUMMARY:Salon
END:VEVENT
END:VCALENDAR
ICS
check "bookings-import stores a .ics file" "$ctl" bookings-import --room navale --at 2026-03-20T12:00:00Z "$tmp/navale.ics"
out_has "and counts its occurrences" 'room navale: 1 file(s), 0 unreadable, 4 occurrence(s)'
check "bookings lists them" "$ctl" bookings
cat >"$tmp/want" <<'JSONL'
{"room":"navale","start":"2026-03-16T09:00:00Z","end":"2026-03-16T10:00:00Z","all_day":false,"summary":"Réunion d'équipe","uid":"hebdo@seuil","recurrence_id":"2026-03-16T09:00:00Z"}
{"room":"navale","start":"2026-03-17T09:00:00Z","end":"2026-03-17T10:00:00Z","all_day":false,"summary":"","uid":"secret@seuil","recurrence_id":null,"private":true}
{"room":"navale","start":"2026-03-17T23:00:00Z","end":"2026-03-18T23:00:00Z","all_day":true,"summary":"Salon","uid":"salon@seuil","recurrence_id":null}
{"room":"navale","start":"2026-03-30T08:00:00Z","end":"2026-03-30T09:00:00Z","all_day":false,"summary":"Réunion d'équipe","uid":"hebdo@seuil","recurrence_id":"2026-03-30T08:00:00Z"}
JSONL
cp "$tmp/out" "$tmp/list"
check "one JSON object per occurrence, by start, in UTC" cmp "$tmp/list" "$tmp/want"
if grep -q "Dupont" "$tmp/list"; then not_ok "a private title is never printed"; else ok "a private title is never printed"; fi
check "bookings --room --from DATE --to ISO8601" "$ctl" bookings --room navale --from 2026-03-18 --to 2026-03-31T00:00:00Z
out_has "the first is the all-day one" '^{"room":"navale","start":"2026-03-17T23:00:00Z"'
check "prints the two in the window" test "$(wc -l <"$tmp/out")" -eq 2
check "bookings of a room without any" "$ctl" bookings --room atelier
check "prints nothing" test ! -s "$tmp/out"
expect_exit "bookings with a bad --from is an error (2)" 2 "$ctl" bookings --from yesterday
expect_exit "bookings-import into an unknown room (2)" 2 "$ctl" bookings-import --room cave "$tmp/navale.ics"
err_has "names the room" 'cave'
printf 'not a calendar\n' >"$tmp/bad.ics"
expect_exit "an unreadable file is an error (2)" 2 "$ctl" bookings-import --room navale --at 2026-03-20T12:00:00Z "$tmp/navale.ics" "$tmp/bad.ics"
err_has "naming the file" 'bad.ics'
out_has "the readable one is still stored" '4 occurrence(s)'
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:s@x\r\nDTSTART:20260301T000000Z\r\nRRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' >"$tmp/absurd.ics"
expect_exit "an absurd rule is refused, quickly (2)" 2 timeout 10 "$ctl" bookings-import --room navale --at 2026-03-20T12:00:00Z "$tmp/absurd.ics"
err_has "saying why" 'more often than daily'
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n' >"$tmp/empty.ics"
check "an empty calendar from standard input empties the room" sh -c '"$1" bookings-import --room navale - <"$2"' sh "$ctl" "$tmp/empty.ics"
check "bookings after it" "$ctl" bookings --room navale
check "prints nothing" test ! -s "$tmp/out"
expect_exit "bookings --help" 0 "$ctl" bookings --help
expect_exit "bookings-import --help" 0 "$ctl" bookings-import --help

# --- a spreadsheet that gives a stored badge to someone else -----------------------------
export SEUIL_DB="$tmp/move.db"
check "move: a fresh database with the issue's example" sh -c '"$1" init && "$1" import "$2"' sh "$ctl" "$tmp/example.json"
printf 'person;name;tenant;role;email;profiles;uid;status;valid_from;valid_until\np-alex;Alex Roux;scop-btp;member;;;04A1B2C3D4E5F6;active;;\n' >"$tmp/move.csv"
expect_exit "a CSV giving Camille's badge to another person is refused (2)" 2 "$ctl" import "$tmp/move.csv"
err_has "naming the badge and both people" "04A1B2C3D4E5F6 is p-camille's; giving it to p-alex needs --move-badges"
check "nothing changed: the badge is still Camille's" "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
out_has "Camille is still its holder" 'p-camille'
check "nor was the new person stored (all or nothing)" test "$(sqlite3 "$SEUIL_DB" "SELECT count(*) FROM people WHERE id = 'p-alex'")" = 0
check "with --move-badges it is moved" "$ctl" import --move-badges "$tmp/move.csv"
check "and the badge is now Alex's" "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
out_has "Alex holds it" 'p-alex'
printf 'person;name;tenant;role;email;profiles;uid;status;valid_from;valid_until\np-alex;Alex Roux;scop-btp;member;;;04A1B2C3D4E5F6;lost;;\n' >"$tmp/same.csv"
check "the same holder's badge can change status without the flag" "$ctl" import "$tmp/same.csv"

# --- the audit of the foundation: each defect, as an installer meets it ----------------
export SEUIL_DB="$tmp/audit.db"
check "audit: a fresh database with the issue's example" sh -c '"$1" init && "$1" import "$2"' sh "$ctl" "$tmp/example.json"
have_sqlite=false
command -v sqlite3 >/dev/null && have_sqlite=true
# a CSV without some columns leaves the stored fields alone
printf 'person;name;uid\np-camille;Camille Martin;01020304\n' >"$tmp/short.csv"
check "a person;name;uid CSV imports" "$ctl" import "$tmp/short.csv"
expect_exit "Camille still opens: her tenant was kept" 0 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
out_has "and the tenant is still scop-btp" '"tenant":"scop-btp"'
cat >"$tmp/sacha.json" <<'JSON'
{"people": [{"id": "p-sacha", "name": "Sacha Petit", "tenant": "scop-btp", "role": "staff",
             "email": "sacha@pole.example", "valid_until": "2027-06-30"}],
 "credentials": [{"uid": "5AC4A001", "person": "p-sacha", "status": "lost", "valid_until": "2027-01-31"}]}
JSON
check "a staff member with e-mail, end date and a lost badge" "$ctl" import "$tmp/sacha.json"
printf 'person;name;uid\np-sacha;Sacha Petit;5AC4A001\n' >"$tmp/sacha.csv"
check "a CSV line for her with only person, name and uid" "$ctl" import "$tmp/sacha.csv"
if $have_sqlite; then
	check "she is still staff, with her e-mail and end date" test "$(sqlite3 "$SEUIL_DB" "SELECT role || ' ' || email || ' ' || valid_until FROM people WHERE id = 'p-sacha'")" = "staff sacha@pole.example 2027-06-30"
fi
expect_exit "her lost badge stays lost" 1 "$ctl" decide --uid 5AC4A001 --at 2026-11-27T08:00:00Z
out_has "credential_lost" '"reason":"credential_lost"'
printf 'person;name;role;email;uid\np-sacha;Sacha Petit;;;5AC4A001\n' >"$tmp/sacha-empty.csv"
check "empty cells in columns that are there" "$ctl" import "$tmp/sacha-empty.csv"
if $have_sqlite; then
	check "set the defaults (member, no e-mail), the rest kept" test "$(sqlite3 "$SEUIL_DB" "SELECT role || ' ' || coalesce(email, '-') || ' ' || valid_until FROM people WHERE id = 'p-sacha'")" = "member - 2027-06-30"
fi
# adding a door keeps the default door
printf '{"doors":[{"id":"annexe","name":"Annexe"}]}' >"$tmp/annexe.json"
check "a door is added by a plain import" "$ctl" import "$tmp/annexe.json"
expect_exit "the default door is still the entrance" 0 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
if $have_sqlite; then
	check "the new door goes after the others" test "$(sqlite3 "$SEUIL_DB" "SELECT group_concat(id || '=' || position, ' ') FROM (SELECT * FROM doors ORDER BY position)")" = "entree=0 annexe=1"
fi
# a spreadsheet saved as Windows-1252, CR-only line endings
printf 'person;name;uid\np-x;Lef\350vre;01020305\n' >"$tmp/latin1.csv"
fingerprint >"$tmp/before"
expect_exit "a Windows-1252 CSV is refused (2)" 2 "$ctl" import "$tmp/latin1.csv"
err_has "saying to save it as UTF-8" 'line 2: not UTF-8 (save the file as CSV UTF-8)'
printf 'person;name;uid\rp-a;Alice;01020306\rp-b;Bob;0102030\r' >"$tmp/mac.csv"
expect_exit "a CSV with CR line endings and a bad UID on line 3 (2)" 2 "$ctl" import "$tmp/mac.csv"
err_has "names line 3" 'line 3:'
# JSON of the wrong shape, a folder
printf '[]' >"$tmp/array.json"
expect_exit "a JSON array is refused (2)" 2 "$ctl" import "$tmp/array.json"
err_has "as JSON" '\$: must be an object'
printf 'null\n' | { expect_exit "null on standard input is refused (2)" 2 "$ctl" import -; }
err_has "as JSON too" '\$: must be an object'
expect_exit "importing a folder is refused (2)" 2 "$ctl" import "$tmp"
err_has "saying it is a directory" 'is a directory'
fingerprint >"$tmp/after"
check "the refused imports changed nothing" cmp -s "$tmp/before" "$tmp/after"
# enroll: the advice is true
check "Sacha's lost badge is restored for the next checks" "$ctl" revoke --uid 5AC4A001 --restore
expect_exit "enrolling Camille's badge for Sacha is refused (2)" 2 "$ctl" enroll --uid 04a1b2c3d4e5f6 --person p-sacha
err_has "saying --force gives it" 'is enrolled for "p-camille"; --force gives it to "p-sacha"'
check "revoking it" "$ctl" revoke --uid 04a1b2c3d4e5f6
expect_exit "a revoked badge is still Camille's (2)" 2 "$ctl" enroll --uid 04a1b2c3d4e5f6 --person p-sacha
err_has "and the same advice" '--force gives it to "p-sacha"'
expect_exit "re-enrolling Camille's revoked badge for her needs --force (2)" 2 "$ctl" enroll --uid 04a1b2c3d4e5f6 --person p-camille
err_has "naming the status and the ways out" 'is revoked: revoke --restore makes it active again, or enroll it with --force'
expect_exit "still revoked" 1 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
check "with --force it is active again" "$ctl" enroll --uid 04a1b2c3d4e5f6 --person p-camille --force
expect_exit "and opens" 0 "$ctl" decide --uid 04a1b2c3d4e5f6 --at 2026-11-27T08:00:00Z
# events as CSV keep the milliseconds
check "events" "$ctl" events
at=$(sed -n 's/^{"seq":1,"at":"\([^"]*\)".*/\1/p' "$tmp/out")
check "JSON lines give at with milliseconds" test -n "$at"
check "events --format csv" "$ctl" events --format csv
out_has "CSV gives the same at, milliseconds included" "^\"1\",\"$at\","
# init refuses a bad --device before creating anything
SEUIL_DB="$tmp/fresh/sub/new.db" expect_exit "init --device 'bad id' (2)" 2 "$ctl" init --device "bad id"
check "created no folder" test ! -e "$tmp/fresh"
# an option error is one line
expect_exit "decide --bogus (2)" 2 "$ctl" decide --bogus
err_has "pointing to --help" 'seuilctl decide: unknown option --bogus (see seuilctl decide --help)'
check "in one line" test "$(wc -l <"$tmp/err")" -eq 1
expect_exit "decide --uid without a value (2)" 2 "$ctl" decide --uid
err_has "says it needs a value" '--uid needs a value'
# a database in a folder the service's user cannot write
mkdir -p "$tmp/ro" && "$ctl" --db "$tmp/ro/seuil.db" init >/dev/null && chmod 666 "$tmp/ro/seuil.db" && chmod 755 "$tmp/ro" "$tmp"
if [ "$(id -u)" -ne 0 ]; then
	chmod 555 "$tmp/ro"
	expect_exit "status on a database in a read-only folder (2)" 2 "$ctl" --db "$tmp/ro/seuil.db" status
	chmod 755 "$tmp/ro"
	err_has "names the folder and what it needs" "folder $tmp/ro must be writable by the user the service runs as"
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups true 2>/dev/null; then
	expect_exit "status as another user on a database in a folder it cannot write (2)" 2 setpriv --reuid=65534 --regid=65534 --clear-groups "$ctl" --db "$tmp/ro/seuil.db" status
	err_has "names the folder and what it needs" "folder $tmp/ro must be writable by the user the service runs as"
else
	echo "ok - # SKIP read-only folder: root without setpriv"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
