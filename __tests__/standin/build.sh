#!/usr/bin/env bash
# Builds the stand-in BuildKit image from Debian's busybox-static, Debian's curl (with the
# libraries it loads, the dynamic loader and the CA bundle: the stand-in buildctl speaks to
# registries with it) and the two scripts beside this file, with `docker import` (no
# registry needed). Prints the image tag. The tag is derived from the content, so an
# unchanged stand-in is not rebuilt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

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
sum=$(cat "$here/buildkitd" "$here/buildctl" "$here/build.sh" "$busybox" "$curl_bin" $curl_files $cabundle | sha256sum | cut -c1-12)
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
    - "$tag" >/dev/null
echo "$tag"
