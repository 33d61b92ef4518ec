# radicale.sh - sourced by the calendar tests: a site CA from dist/make-site-certs
# and Radicale over TLS on a free loopback port, with one htpasswd user.
# Needs $top and $tmp; sets rport, radicale_pid (also added to $pids), dav (the
# user's home URL) and dc (curl as that user, trusting the site CA).
# Returns non-zero, having said why, when something is missing or fails.

free_port() {
	/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
wait_port() { for _ in $(seq 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; return 1; }
# no "Expect: 100-continue" on PUT: Radicale does not answer it, and curl would wait a second
# Europe/Paris as a VTIMEZONE: an object that names a TZID must carry it (RFC 5545
# 3.2.19); Radicale without python3-tz refuses one that does not (HTTP 400)
paris_vtimezone='BEGIN:VTIMEZONE\r\nTZID:Europe/Paris\r\nBEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\nBEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n'
dc() { curl -s --cacert "$tmp/site/site-ca.pem" -u accueil:s3cret-du-pole -H "Expect:" "$@"; }

start_radicale() {
	for tool in openssl curl sqlite3; do
		command -v $tool >/dev/null || { echo "not ok - $tool is needed (make deps)"; return 1; }
	done
	/usr/bin/python3 -c 'import radicale' 2>/dev/null || { echo "not ok - radicale is needed (make deps)"; return 1; }
	sh "$top/dist/make-site-certs" "$tmp/site" --server-name localhost --server-ip 127.0.0.1 \
		--device kiosk-1 >/dev/null 2>&1 || { echo "not ok - cannot make certificates"; return 1; }
	rport=$(free_port)
	echo "accueil:s3cret-du-pole" >"$tmp/htpasswd"
	cat >"$tmp/radicale.conf" <<EOC
[server]
hosts = 127.0.0.1:$rport
ssl = True
certificate = $tmp/site/server.pem
key = $tmp/site/server.key
[auth]
type = htpasswd
htpasswd_filename = $tmp/htpasswd
htpasswd_encryption = plain
delay = 0
[storage]
filesystem_folder = $tmp/collections
[rights]
type = owner_only
[web]
type = none
[logging]
level = warning
EOC
	/usr/bin/python3 -m radicale --config "$tmp/radicale.conf" >"$tmp/radicale.log" 2>&1 &
	radicale_pid=$!
	pids="$pids $radicale_pid"
	wait_port "$rport" || { echo "not ok - Radicale did not start"; cat "$tmp/radicale.log"; return 1; }
	dav="https://localhost:$rport/accueil"
}
