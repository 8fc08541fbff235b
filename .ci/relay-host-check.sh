#!/usr/bin/env bash
# The path of a relay host (README "Running a relay"): production dependencies only
# (`npm ci --omit=dev`, here `npm prune --omit=dev` on a hard-linked copy, so no download), then the
# built relay, which must answer /healthz. Fails if a dev tool is still installed or the relay
# does not start.
set -euo pipefail
cd "$(dirname "$0")/.."

npm run -s build:relay
tmp=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"' EXIT
cp package.json package-lock.json "$tmp/"
cp -r dist "$tmp/dist"
cp -al node_modules "$tmp/node_modules"
# npm rewrites its hidden lockfile; give the copy its own inode so the original is untouched.
rm -f "$tmp/node_modules/.package-lock.json"
[ ! -e node_modules/.package-lock.json ] || cp node_modules/.package-lock.json "$tmp/node_modules/"
(cd "$tmp" && npm prune --omit=dev --ignore-scripts --no-audit --no-fund --offline >/dev/null)
for tool in tsx typescript vite vitest; do
	if [ -e "$tmp/node_modules/$tool" ]; then
		echo "relay host check: dev tool $tool is still installed after --omit=dev" >&2
		exit 1
	fi
done

node "$tmp/dist/relay/main.js" --port 0 --host 127.0.0.1 --data "$tmp/data" >"$tmp/out" 2>"$tmp/err" &
pid=$!
port=
for _ in $(seq 300); do
	port=$(sed -n 's/^Parley relay listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$tmp/out")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || { echo "relay host check: the built relay exited:" >&2; cat "$tmp/err" >&2; exit 1; }
	sleep 0.1
done
[ -n "$port" ] || { echo "relay host check: the built relay did not start" >&2; exit 1; }
node -e 'fetch(`http://127.0.0.1:${process.argv[1]}/healthz`).then(async (r) => { if (!r.ok) process.exit(1); console.log(`relay host check: built relay without dev dependencies answers /healthz ${await r.text()}`); })' "$port"
