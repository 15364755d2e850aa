#!/usr/bin/env bash
# The command line: documented exit codes (docs/cli.md) and errors that name the culprit.
source "$(dirname "$0")/lib.sh"

expect_exit() {
  local want=$1
  shift
  set +e
  "$@" >"$WORK/out" 2>"$WORK/err"
  local got=$?
  set -e
  [ "$got" = "$want" ] || fail "'$*' exited $got, want $want: $(cat "$WORK/err")"
}

expect_exit 0 "$BIN" --version
expect_exit 2 "$BIN" serve --no-such-flag
expect_exit 2 "$BIN"
expect_exit 2 "$BIN" serve --data "$WORK/d" --listen nowhere
grep -q 'listen "nowhere" is not HOST:PORT' "$WORK/err" || fail "listen error: $(cat "$WORK/err")"

printf 'listen: 127.0.0.1:0\nauth:\n  enabeld: true\n' >"$WORK/typo.yaml"
expect_exit 2 "$BIN" serve --config "$WORK/typo.yaml" --data "$WORK/d"
grep -q "typo.yaml:3: unknown key \"auth.enabeld\"" "$WORK/err" || fail "unknown key error: $(cat "$WORK/err")"

printf 'auth:\n  enabled: perhaps\n' >"$WORK/bad.yaml"
expect_exit 2 "$BIN" serve --config "$WORK/bad.yaml" --data "$WORK/d"
grep -q "bad.yaml:2" "$WORK/err" || fail "bad value error: $(cat "$WORK/err")"

printf 'listen: [unclosed\n' >"$WORK/syntax.yaml"
expect_exit 2 "$BIN" serve --config "$WORK/syntax.yaml"
grep -q "syntax.yaml:" "$WORK/err" || fail "syntax error: $(cat "$WORK/err")"

expect_exit 3 "$BIN" serve --config "$WORK/missing.yaml"
# A port already in use is a processing error.
python3 -c 'import socket,time,sys; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(30)' >"$WORK/port" &
holder=$!
for _ in $(seq 1 50); do [ -s "$WORK/port" ] && break; sleep 0.1; done
expect_exit 3 "$BIN" serve --data "$WORK/d2" --listen "127.0.0.1:$(cat "$WORK/port")"
kill "$holder"

# Configuration precedence: flag over environment over file.
printf 'listen: 127.0.0.1:1\n' >"$WORK/prec.yaml"
PORTCULLIS_AUTH_ENABLED=false PORTCULLIS_LISTEN=127.0.0.1:2 start_server "$WORK/d3" --config "$WORK/prec.yaml"
[ "$PORT" != 1 ] && [ "$PORT" != 2 ] || fail "flag did not win over env and file (port $PORT)"
stop_server

expect_exit 2 "$BIN" user grant nobody 'Bad/' pull --data "$WORK/d3"
expect_exit 2 "$BIN" user grant nobody stage/ write --data "$WORK/d3"
expect_exit 2 "$BIN" user grant ghost stage/ pull --data "$WORK/d3"
grep -q "no user named ghost" "$WORK/err" || fail "grant to unknown user: $(cat "$WORK/err")"
expect_exit 0 "$BIN" user add ops --admin --data "$WORK/d3"
[ "$(wc -c <"$WORK/out")" -ge 20 ] || fail "no generated password printed"
expect_exit 0 "$BIN" user list --data "$WORK/d3"
grep -q "^ops	admin" "$WORK/out" || fail "user list: $(cat "$WORK/out")"
expect_exit 2 "$BIN" gc --data "$WORK/d3" --grace-period soon
echo "exit codes 0/2/3 and error messages as documented"
