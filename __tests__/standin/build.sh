#!/usr/bin/env bash
# Builds the stand-in BuildKit image from Debian's busybox-static, Debian's curl (with the
# libraries it loads, the dynamic loader and the CA bundle: the stand-in buildctl speaks to
# registries with it) and the two scripts beside this file, with `docker import` (no
# registry needed). Prints the image tag. The tag is derived from the content (the BuildKit
# version imitated included), so an unchanged stand-in is not rebuilt.
#
#   STANDIN_VERSION   the BuildKit release to imitate (default v0.29.0): what
#                     `buildkitd --version` and `buildctl debug workers` report, and the
#                     behaviour the stand-in gates on it (bridge network mode and the
#                     bridgeName/bridgeSubnet keys from v0.13.0-beta2, each release's flags).
#                     The stand-in follows BuildKit v0.10.0 .. v0.32.2.
#   STANDIN_REVISION  the git revision it reports (default "standin"; the real image reports
#                     the commit it was built from: cmd/buildkitd version.Revision).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

version=${STANDIN_VERSION:-v0.29.0}
revision=${STANDIN_REVISION:-standin}
if ! [[ $version =~ ^v[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.]+)?$ ]]; then
  echo "standin: STANDIN_VERSION=$version is not a BuildKit release tag (vX.Y.Z or vX.Y.Z-rcN)" >&2
  exit 1
fi
if ! [[ $revision =~ ^[0-9A-Za-z._+-]+$ ]]; then
  echo "standin: STANDIN_REVISION=$revision: letters, digits and ._+- only" >&2
  exit 1
fi
# Release order as the stand-in's buildkitd compares (`since`): is $1 at least $2?
version_ge() {
  awk -v a="$1" -v b="$2" '
    function key(v,    i, pre, p) {
      sub(/^v/, "", v); pre = "~"
      i = index(v, "-"); if (i) { pre = "-" substr(v, i + 1); v = substr(v, 1, i - 1) }
      split(v, p, ".")
      return sprintf("%06d.%06d.%06d%s", p[1], p[2], p[3], pre)
    }
    BEGIN { exit !(key(a) >= key(b)) }'
}
if ! version_ge "$version" v0.10.0 || version_ge "$version" v0.32.3; then
  echo "standin: warning: the stand-in follows BuildKit v0.10.0 .. v0.32.2; $version is imitated as the nearest of those" >&2
fi
# Read by the stand-in's buildkitd and buildctl (sourced).
version_file="VERSION=$version
REVISION=$revision"
# BuildKit's image ships the bridge mode's CNI plugins in /usr/bin from v0.13.0-beta2 on
# (Dockerfile, stage cni-plugins-export: buildkit-cni-bridge, -loopback, -host-local,
# -firewall; commit d4cd0194d). The stand-in's are trivial: its daemon runs none.
cni_plugins=
version_ge "$version" v0.13.0-beta2 && cni_plugins="bridge loopback host-local firewall"
cni_plugin_script='#!/bin/sh
# Stand-in for a CNI plugin of the BuildKit image (/usr/bin/buildkit-cni-*): the stand-in
# daemon never runs it. It answers VERSION; anything else fails with a CNI error.
if [ "$CNI_COMMAND" = VERSION ]; then
  echo "{\"cniVersion\":\"1.0.0\",\"supportedVersions\":[\"0.3.0\",\"0.3.1\",\"0.4.0\",\"1.0.0\"]}"
  exit 0
fi
echo "{\"cniVersion\":\"1.0.0\",\"code\":999,\"msg\":\"$(basename "$0"): a stand-in, not a CNI plugin\"}"
exit 1
'

busybox=${BUSYBOX:-/bin/busybox}
if ! "$busybox" --list >/dev/null 2>&1 || ldd "$busybox" >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "standin: installing busybox-static from Debian" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null 2>&1 ||
      { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null; }
    busybox=/bin/busybox
  fi
fi
if ldd "$busybox" >/dev/null 2>&1; then
  echo "standin: $busybox is not statically linked; install Debian's busybox-static" >&2
  exit 1
fi

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}
curl_bin=${CURL:-/usr/bin/curl}
cabundle=/etc/ssl/certs/ca-certificates.crt
if [ ! -x "$curl_bin" ] || [ ! -f "$cabundle" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "standin: installing curl and ca-certificates from Debian" >&2
    apt_install curl ca-certificates
    curl_bin=/usr/bin/curl
  fi
fi
if [ ! -x "$curl_bin" ]; then
  echo "standin: $curl_bin is missing; install Debian's curl" >&2
  exit 1
fi
# curl, every library ldd lists for it and the dynamic loader, at their own paths.
curl_files=$(ldd "$curl_bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
[ -n "$curl_files" ] || { echo "standin: ldd lists no libraries for $curl_bin" >&2; exit 1; }
[ -f "$cabundle" ] || cabundle=

# shellcheck disable=SC2086
sum=$({ printf '%s\n' "$version_file"; cat "$here/buildkitd" "$here/buildctl" "$here/build.sh" "$busybox" "$curl_bin" $curl_files $cabundle; } | sha256sum | cut -c1-12)
tag="buildkit-standin:$sum"
if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,etc/buildkit,run,tmp,var/lib/buildkit,usr/bin}
cp "$busybox" "$root/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
done
install -m 0755 "$here/buildkitd" "$root/usr/bin/buildkitd"
install -m 0755 "$here/buildctl" "$root/usr/bin/buildctl"
mkdir -p "$root/usr/lib/buildkit-standin"
printf '%s\n' "$version_file" >"$root/usr/lib/buildkit-standin/version"
for p in $cni_plugins; do
  printf '%s' "$cni_plugin_script" >"$root/usr/bin/buildkit-cni-$p"
  chmod 0755 "$root/usr/bin/buildkit-cni-$p"
done
install -m 0755 "$curl_bin" "$root/usr/bin/curl"
for f in $curl_files; do
  mkdir -p "$root$(dirname "$f")"
  cp -L "$f" "$root$f"
done
if [ -n "$cabundle" ]; then
  mkdir -p "$root/etc/ssl/certs"
  cp -L "$cabundle" "$root/etc/ssl/certs/ca-certificates.crt"
fi
# glibc looks names up as the real daemon (Go's resolver) does: /etc/hosts, then DNS.
echo 'hosts: files dns' >"$root/etc/nsswitch.conf"
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
chmod 1777 "$root/tmp"
tar -C "$root" --numeric-owner --owner=0 --group=0 -c . |
  docker import \
    --change 'ENTRYPOINT ["buildkitd"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'VOLUME /var/lib/buildkit' \
    --change 'LABEL org.opencontainers.image.title=buildkit-standin' \
    --change "LABEL org.opencontainers.image.version=$version" \
    - "$tag" >/dev/null
echo "$tag"
