#!/usr/bin/env bash
# Packs the package, installs the tarball into an empty directory and uses it as a user would: the bin's
# --version, a short demo, and the library's planFeature on the demo feature. Run by .ci/run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kitty-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "$root"
# `npm pack` runs the `prepare` script, so build/ is compiled from the current source.
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -n 1)"
listing="$(tar -tzf "$tarball")"
echo "packed $(basename "$tarball"): $(wc -l <<<"$listing") files, $(du -k "$tarball" | cut -f1) KB"
for needed in package/bin/kitty-orchestrator.js package/build/index.js package/build/index.d.ts \
  package/build/cli-bundle/main.js package/bin/kitty-sim-agent.mjs package/LICENSE; do
  grep -qx "$needed" <<<"$listing" || { echo "check-pack: $needed is missing from the tarball" >&2; exit 1; }
done

app="$work/app"
mkdir "$app" && cd "$app"
printf '{ "name": "kitty-pack-check", "private": true, "type": "module" }\n' > package.json
# --prefer-offline: the dependencies come from the npm cache when they are there.
npm install --no-audit --no-fund --prefer-offline --loglevel=error "$tarball"
echo "installed: $(du -sm node_modules | cut -f1) MB in node_modules"

expected="$(node -p "require('$root/package.json').version")"
actual="$(./node_modules/.bin/kitty-orchestrator --version)"
[ "$actual" = "$expected" ] || { echo "check-pack: --version printed '$actual', expected '$expected'" >&2; exit 1; }

./node_modules/.bin/kitty-orchestrator demo --dir "$work/demo" --duration-ms 20 --json > "$work/demo.jsonl"
tail -n 1 "$work/demo.jsonl" | grep -q '"status":"completed"' || {
  echo "check-pack: the demo did not complete; its last line: $(tail -n 1 "$work/demo.jsonl")" >&2
  exit 1
}

cat > plan.mjs <<'JS'
import { planFeature } from 'kitty-orchestrator';
const { plan } = await planFeature(process.argv[2], '001-checkout-flow');
if (plan.work_packages.length === 0 || plan.critical_path.length === 0) throw new Error('empty plan');
console.log(`library: ${plan.work_packages.length} WPs, ${plan.waves.length} waves`);
JS
node plan.mjs "$work/demo"
echo "check-pack: ok (kitty-orchestrator $actual)"
