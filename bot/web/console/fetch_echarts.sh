#!/bin/sh
# Vendor a pinned Apache ECharts build from the npm registry into static/vendor/echarts-<version>/ (the console
# serves it with a year-long cache: a new version is a new directory). Run from anywhere:
#   sh bot/web/console/fetch_echarts.sh 6.1.0
set -eu
version="${1:?usage: fetch_echarts.sh VERSION}"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$version" >/dev/null && tar xzf "echarts-$version.tgz")
target="$here/static/vendor/echarts-$version"
mkdir -p "$target"
cp "$work/package/dist/echarts.min.js" "$work/package/LICENSE" "$work/package/NOTICE" "$target/"
sha256sum "$work/echarts-$version.tgz" | sed "s|$work/||" > "$target/SHA256SUMS"
(cd "$target" && sha256sum echarts.min.js >> SHA256SUMS)
echo "echarts $version -> $target"
