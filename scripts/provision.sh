#!/usr/bin/env bash
# Makes this machine ready for `workflows` and its tests, idempotently:
#   1. a Docker engine that answers (Debian's docker.io, started in the background, only when none answers);
#   2. the Dockerfile's base image (a stand-in built from Debian's packages, only when it cannot be pulled);
#   3. with --registries: two real registries on loopback for the publish tests (plain, and htpasswd auth);
#   4. with --podman: Podman with the setting this machine needs, DNS for network aliases, and the base
#      image in its store;
#   5. with --buildkit: when the engine builds with the legacy builder, a second engine that builds with
#      BuildKit beside it (docs/testing.md#buildkit), with the base image and two registries of its own;
#   --for-tests: all of it, xmllint (Debian's libxml2-utils), which validates the JUnit reports, and the
#      services the tests start (scripts/service-images: a Postgres and a Redis), in both engines.
# An engine that already answers is left alone and nothing is installed for it: safe on a laptop.
# Runs on Debian 12 (these machines) and Ubuntu 24.04 (GitHub's runners, whose Docker already runs).
# Fast when everything is up. Environment: WORKFLOWS_STATE_DIR (default /tmp/workflows-provision).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
state=${WORKFLOWS_STATE_DIR:-/tmp/workflows-provision}
mkdir -p "$state"

say() { printf 'provision: %s\n' "$*" >&2; }
fail() { printf 'provision: error: %s\n' "$*" >&2; exit 1; }

# Values the tests read too (Tests/IntegrationTests/Harness.swift): keep them in step.
registry_plain_addr=127.0.0.1:45000
registry_auth_addr=127.0.0.1:45001
registry_user=workflows
registry_password=workflows-test-password
# The BuildKit engine beside a legacy one (--buildkit), and its registries; scripts/test.sh reads them too.
bk_socket=/run/docker-bk.sock
bk_cli_config=/var/lib/docker-bk-cli
bk_registry_plain_addr=127.0.0.1:45100
bk_registry_auth_addr=127.0.0.1:45101

# The Ubuntu branch, not run on these machines (Ubuntu's archive is unreachable from them): Ubuntu 24.04
# has the packages below under Debian's names (checked on packages.ubuntu.com for noble: docker-registry,
# podman and docker.io in universe, apache2-utils and libxml2-utils in main), so the only difference is the
# stand-in base image, a Debian root file system made with Debian's keys: on Ubuntu it must be pulled.
distribution=$( (. /etc/os-release && echo "${ID:-unknown}") 2>/dev/null || echo unknown)

apt_updated=
apt_install() {
  local missing=()
  for package in "$@"; do
    # `dpkg -s` also succeeds for a removed package whose config files remain: ask for its status.
    [ "$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null)" = "install ok installed" ] || missing+=("$package")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || fail "missing packages ${missing[*]}; install them (as root: apt-get install ${missing[*]}) and run this again"
  command -v apt-get >/dev/null || fail "missing packages ${missing[*]} and no apt-get: install their equivalents by hand"
  say "installing ${missing[*]} from $distribution's packages"
  if [ -z "$apt_updated" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >"$state/apt.log" 2>&1 || { tail -20 "$state/apt.log" >&2; fail "apt-get update failed"; }
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$state/apt.log" 2>&1 \
    || { tail -20 "$state/apt.log" >&2; fail "apt-get install ${missing[*]} failed (log: $state/apt.log)"; }
}

engine_answers() { timeout 10 docker info >/dev/null 2>&1; }

# A dockerd that died uncleanly (a stopped session, a killed CI job, a /run kept from an earlier boot) leaves
# pid files behind: its own and its managed containerd's. dockerd trusts a live PID in them even when the
# system has since given it to another process: it then refuses to start, or waits 15 s for a containerd
# socket that never comes and exits (CI, stop 23). $1: dockerd's pid file; $2: its exec root.
clear_stale_pid_files() {
  pid_file_names "$1" dockerd || rm -f "$1"
  pid_file_names "$2/containerd/containerd.pid" containerd || rm -f "$2/containerd/containerd.pid"
}

# Whether the PID in file $1 is a live process whose command line mentions $2.
pid_file_names() {
  local pid
  [ -f "$1" ] && pid=$(cat "$1") && [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
    && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$2"
}

ensure_engine() {
  command -v docker >/dev/null || apt_install docker.io
  engine_answers && return 0
  if [ -n "${DOCKER_HOST:-}" ] || [ -n "${DOCKER_CONTEXT:-}" ]; then
    fail "the engine at ${DOCKER_HOST:-context $DOCKER_CONTEXT} does not answer 'docker info'; start it, or unset DOCKER_HOST/DOCKER_CONTEXT to use a local one"
  fi
  command -v dockerd >/dev/null || apt_install docker.io
  # Debian's package pulls these in as recommendations only; the engine needs them here.
  apt_install containerd runc iptables
  clear_stale_pid_files /var/run/docker.pid /var/run/docker
  say "starting dockerd in the background (log: $state/dockerd.log)"
  nohup dockerd >"$state/dockerd.log" 2>&1 &
  echo $! >"$state/dockerd.pid"
  for _ in $(seq 1 60); do
    engine_answers && { say "engine is up"; return 0; }
    if ! kill -0 "$(cat "$state/dockerd.pid")" 2>/dev/null; then
      tail -20 "$state/dockerd.log" >&2
      fail "dockerd exited at start; its log is above and in $state/dockerd.log"
    fi
    sleep 1
  done
  tail -20 "$state/dockerd.log" >&2
  fail "dockerd did not answer 'docker info' within 60 s; its log is above and in $state/dockerd.log"
}

base_image() {
  # The first FROM of the Dockerfile, without an `AS name`.
  awk 'toupper($1) == "FROM" { for (i = 2; i <= NF; i++) if ($i !~ /^--/) { print $i; exit } }' "$root/Dockerfile"
}

ensure_base_image() {
  local image
  image=$(base_image)
  [ -n "$image" ] || fail "no FROM line in $root/Dockerfile"
  docker image inspect "$image" >/dev/null 2>&1 && return 0
  say "base image $image is absent; trying to pull it"
  if timeout 60 docker pull -q "$image" >"$state/pull.log" 2>&1; then return 0; fi
  if [ "$distribution" = ubuntu ]; then
    fail "cannot pull $image ($(tail -1 "$state/pull.log")); on Ubuntu the stand-in (a Debian 12 root file system) is not built: make the registry reachable, or load the image (docker load) and run this again"
  fi
  say "cannot pull $image ($(tail -1 "$state/pull.log")); building a stand-in from Debian's packages"
  apt_install mmdebstrap
  local ca=/etc/ssl/certs/ca-certificates.crt
  [ -f "$ca" ] || fail "no CA bundle at $ca: install ca-certificates"
  # The host's CA bundle goes in, so that pip inside containers trusts what the host trusts.
  mmdebstrap --quiet --variant=apt --include=python3,python3-venv,ca-certificates \
      --customize-hook="copy-in $ca /etc/ssl/certs" bookworm - 2>"$state/mmdebstrap.log" \
    | docker import \
        --change "ENV PIP_CERT=$ca" --change "ENV SSL_CERT_FILE=$ca" --change "ENV REQUESTS_CA_BUNDLE=$ca" \
        --change 'CMD ["python3"]' - "$image" >/dev/null \
    || { tail -20 "$state/mmdebstrap.log" >&2; fail "building the stand-in $image failed"; }
  say "stand-in $image is ready"
}

registry_answers() { timeout 5 bash -c "exec 3<>/dev/tcp/${1%:*}/${1#*:}" 2>/dev/null; }

start_registry() {
  local name=$1 addr=$2 auth=$3 dir="$state/registry-$1"
  registry_answers "$addr" && return 0
  mkdir -p "$dir/storage"
  {
    echo "version: 0.1"
    echo "log: { level: warn }"
    echo "storage: { filesystem: { rootdirectory: $dir/storage }, delete: { enabled: true } }"
    echo "http: { addr: $addr }"
    if [ "$auth" = auth ]; then
      htpasswd -Bbn "$registry_user" "$registry_password" >"$dir/htpasswd"
      echo "auth: { htpasswd: { realm: workflows-test, path: $dir/htpasswd } }"
    fi
  } >"$dir/config.yml"
  say "starting the $name registry on $addr"
  nohup docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
  for _ in $(seq 1 50); do
    registry_answers "$addr" && return 0
    sleep 0.2
  done
  tail -20 "$dir/registry.log" >&2
  fail "the $name registry did not listen on $addr"
}

ensure_registry_tools() {
  command -v docker-registry >/dev/null || apt_install docker-registry
  command -v htpasswd >/dev/null || apt_install apache2-utils
}

ensure_registries() {
  ensure_registry_tools
  start_registry plain "$registry_plain_addr" none
  start_registry auth "$registry_auth_addr" auth
}

# Podman, for the tests that run every step with WORKFLOWS_DOCKER=podman: Debian's package, the one
# setting this machine needs (no CAP_SYS_RESOURCE: Podman must not ask for more open files than allowed),
# written only where no default_ulimits is set, and the base image copied over from the Docker engine.
ensure_podman() {
  command -v podman >/dev/null || apt_install podman
  local conf=/etc/containers/containers.conf
  if ! grep -qs '^[[:space:]]*default_ulimits' "$conf"; then
    say "setting default_ulimits for Podman in $conf"
    mkdir -p /etc/containers
    if grep -qs '^\[containers\]' "$conf"; then
      sed -i '/^\[containers\]/a default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]' "$conf"
    else
      printf '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' >>"$conf"
    fi
  fi
  ensure_podman_dns
  local image
  image=$(base_image)
  podman image exists "$image" && return 0
  say "copying $image from the Docker engine to Podman"
  docker save "$image" | podman load -q >/dev/null || fail "could not copy $image to Podman"
}

# Services reach each other by their network aliases, which need a name server on Podman's networks: the
# CNI backend (Debian's Podman 4.3) has it from the dnsname plugin (dnsmasq), netavark from aardvark-dns.
# The backend is kept as it is: switching it needs an empty store, and the store is not ours to empty.
ensure_podman_dns() {
  local backend
  backend=$(podman info --format '{{.Host.NetworkBackend}}' 2>/dev/null) || fail "podman info failed: $(podman info 2>&1 | tail -1)"
  case "$backend" in
    cni)
      local folder
      for folder in /usr/lib/cni /usr/libexec/cni /opt/cni/bin; do [ -x "$folder/dnsname" ] && return 0; done
      apt_install golang-github-containernetworking-plugin-dnsname ;;
    netavark)
      local folder
      for folder in /usr/lib/podman /usr/libexec/podman /usr/local/libexec/podman; do [ -x "$folder/aardvark-dns" ] && return 0; done
      apt_install aardvark-dns ;;
    *) say "Podman's network backend is '$backend': network aliases may have no name server" ;;
  esac
}

# The services the tests start (no registry here): built from scripts/service-images/NAME on the base
# image, labelled with the hash of their folder, and rebuilt only when it changed; copied into Podman's
# store when Podman is in use. A few minutes the first time (Debian's packages), a second after.
service_images=("postgres workflows-test/postgres:15" "redis workflows-test/redis:7")

recipe_hash() { (cd "$root/scripts/service-images/$1" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16); }

ensure_service_images() {
  local entry name tag hash built pids=() names=()
  for entry in "${service_images[@]}"; do
    read -r name tag <<<"$entry"
    hash=$(recipe_hash "$name")
    built=$(docker image inspect --format '{{index .Config.Labels "workflows.test.recipe"}}' "$tag" 2>/dev/null || true)
    [ "$built" = "$hash" ] && continue
    say "building the test service image $tag from Debian's packages (log: $state/service-$name.log)"
    docker build --quiet --label "workflows.test.recipe=$hash" --tag "$tag" "$root/scripts/service-images/$name" \
      >"$state/service-$name.log" 2>&1 &
    pids+=($!) names+=("$name")
  done
  local index
  for index in "${!pids[@]}"; do
    wait "${pids[$index]}" || { tail -20 "$state/service-${names[$index]}.log" >&2; fail "building the ${names[$index]} service image failed"; }
  done
  [ -n "$with_podman" ] || return 0
  for entry in "${service_images[@]}"; do
    read -r name tag <<<"$entry"
    hash=$(recipe_hash "$name")
    built=$(podman image inspect --format '{{index .Labels "workflows.test.recipe"}}' "$tag" 2>/dev/null || true)
    [ "$built" = "$hash" ] && continue
    say "copying $tag from the Docker engine to Podman"
    docker save "$tag" | podman load -q >/dev/null || fail "could not copy $tag to Podman"
  done
}

# BuildKit (--buildkit). Where the engine already builds with BuildKit (Docker 23+ with the buildx plugin,
# as on GitHub's runners) nothing is needed: DOCKER_BUILDKIT=0 gives its legacy builder. Where it builds
# with the legacy builder (Debian 12's Docker 20.10, with no newer Docker in bookworm), a second engine
# runs beside it: Debian trixie's docker.io 26.1, containerd and docker-buildx, unpacked (never installed)
# under /usr/local/lib/docker-bk, on a socket, bridge (wfbr0), data root and exec root of its own, with the
# buildx plugin in a CLI config folder of its own, so that the host engine's builds stay legacy. The host
# engine, its docker0 bridge and its CLI plugins are never touched (and never --bridge none: it deletes
# docker0). How to stop it and what was checked on it: docs/testing.md#buildkit.
bk_bin=/usr/local/lib/docker-bk/bin
bk_subnet=10.214.0.0/24
bk_gateway=10.214.0.1/24

# builds_with_buildkit: the CLI's rule, shared with scripts/test.sh.
# shellcheck source=scripts/builder.sh
. "$root/scripts/builder.sh"
bk_docker() { DOCKER_HOST=unix://$bk_socket DOCKER_CONFIG=$bk_cli_config docker "$@"; }
bk_engine_answers() { timeout 5 env DOCKER_HOST=unix://$bk_socket docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

fetch_buildkit_engine() {
  [ -x "$bk_bin/dockerd" ] && [ -x "$bk_bin/docker-init" ] && [ -x "$bk_cli_config/cli-plugins/docker-buildx" ] && return 0
  [ "$distribution" = debian ] || fail "the engine builds with the legacy builder and the BuildKit engine beside it is made only on Debian; install Docker 23 or later with the buildx plugin"
  [ "$(id -u)" -eq 0 ] || fail "the BuildKit engine is unpacked as root; run this as root"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -f "$keyring" ] || apt_install debian-archive-keyring
  say "fetching Debian trixie's docker.io, containerd, docker-buildx and tini (unpacked under ${bk_bin%/bin}, not installed)"
  local a
  a=$(mktemp -d)
  mkdir -p "$a"/etc/apt/sources.list.d "$a"/etc/apt/preferences.d "$a"/etc/apt/apt.conf.d "$a"/state/lists/partial "$a"/cache/archives/partial "$a"/root
  touch "$a"/state/status
  echo "deb [signed-by=$keyring] http://deb.debian.org/debian trixie main" >"$a"/etc/apt/sources.list
  printf 'Dir::Etc "%s/etc/apt"; Dir::State "%s/state"; Dir::Cache "%s/cache"; Dir::State::status "%s/state/status";\nAPT::Architecture "amd64";\n' \
    "$a" "$a" "$a" "$a" >"$a"/apt.conf
  { APT_CONFIG="$a"/apt.conf apt-get update -q \
      && (cd "$a" && APT_CONFIG="$a"/apt.conf apt-get download -q docker.io docker-buildx containerd tini); } >"$state/buildkit-fetch.log" 2>&1 \
    || { tail -20 "$state/buildkit-fetch.log" >&2; rm -rf "$a"; fail "fetching trixie's packages failed (log: $state/buildkit-fetch.log)"; }
  local deb
  for deb in "$a"/*.deb; do dpkg -x "$deb" "$a"/root; done
  install -d "$bk_bin" "$bk_cli_config/cli-plugins"
  local b
  for b in usr/sbin/dockerd usr/sbin/docker-proxy usr/bin/containerd usr/bin/containerd-shim-runc-v2 usr/bin/ctr; do
    install -m755 "$a/root/$b" "$bk_bin/"
  done
  # trixie's runc and tini need glibc 2.38: the host's runc serves (on PATH after ours), tini-static as docker-init.
  install -m755 "$a"/root/usr/bin/tini-static "$bk_bin/docker-init"
  install -m755 "$a"/root/usr/libexec/docker/cli-plugins/docker-buildx "$bk_cli_config/cli-plugins/"
  # An empty configuration, so that a host /etc/docker/daemon.json is not read.
  echo '{}' >"${bk_bin%/bin}/daemon.json"
  rm -rf "$a"
}

start_buildkit_engine() {
  bk_engine_answers && return 0
  [ "$(id -u)" -eq 0 ] || fail "the BuildKit engine at $bk_socket does not answer; start it as root (scripts/provision.sh --buildkit)"
  apt_install runc iptables
  # Its own bridge (the tests' throwaway engines take wfbr1 to wfbr63), and the outside network for its
  # containers and RUN steps (PyPI): rules that match only this bridge's traffic (the FORWARD policy is DROP).
  ip link show wfbr0 >/dev/null 2>&1 || ip link add wfbr0 type bridge
  # Its address too, when a stopped run made the bridge and no more.
  ip -4 addr show dev wfbr0 | grep -qF " ${bk_gateway} " || ip addr add "$bk_gateway" dev wfbr0
  ip link set wfbr0 up
  iptables -t nat -C POSTROUTING -s "$bk_subnet" ! -o wfbr0 -j MASQUERADE 2>/dev/null \
    || iptables -t nat -A POSTROUTING -s "$bk_subnet" ! -o wfbr0 -j MASQUERADE
  iptables -C FORWARD -i wfbr0 -j ACCEPT 2>/dev/null || iptables -I FORWARD 1 -i wfbr0 -j ACCEPT
  iptables -C FORWARD -o wfbr0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT 2>/dev/null \
    || iptables -I FORWARD 1 -o wfbr0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
  clear_stale_pid_files /run/docker-bk.pid /run/docker-bk
  mkdir -p /var/lib/docker-bk /run/docker-bk
  say "starting the BuildKit engine on $bk_socket (log: $state/dockerd-buildkit.log)"
  # iptables and IP masquerading stay the host engine's: two dockerds must never both manage its chains.
  PATH="$bk_bin:/usr/sbin:/usr/bin:/sbin:/bin" setsid nohup dockerd \
    --config-file "${bk_bin%/bin}/daemon.json" \
    --host "unix://$bk_socket" --data-root /var/lib/docker-bk --exec-root /run/docker-bk \
    --pidfile /run/docker-bk.pid --bridge wfbr0 --iptables=false --ip-masq=false --ip6tables=false \
    --cgroup-parent docker-bk --userland-proxy-path "$bk_bin/docker-proxy" --init-path "$bk_bin/docker-init" \
    >"$state/dockerd-buildkit.log" 2>&1 </dev/null &
  echo $! >"$state/dockerd-buildkit.pid"
  for _ in $(seq 1 60); do
    bk_engine_answers && { say "the BuildKit engine is up"; return 0; }
    if ! kill -0 "$(cat "$state/dockerd-buildkit.pid")" 2>/dev/null; then
      tail -20 "$state/dockerd-buildkit.log" >&2
      fail "the BuildKit engine exited at start; its log is above and in $state/dockerd-buildkit.log"
    fi
    sleep 1
  done
  tail -20 "$state/dockerd-buildkit.log" >&2
  fail "the BuildKit engine did not answer within 60 s; its log is above and in $state/dockerd-buildkit.log"
}

ensure_buildkit() {
  if builds_with_buildkit; then
    say "the engine builds with BuildKit already (DOCKER_BUILDKIT=0 gives its legacy builder)"
    return 0
  fi
  fetch_buildkit_engine
  start_buildkit_engine
  bk_docker buildx version >/dev/null 2>&1 || fail "the buildx plugin in $bk_cli_config/cli-plugins does not answer"
  local image
  image=$(base_image)
  if ! bk_docker image inspect "$image" >/dev/null 2>&1; then
    say "copying $image to the BuildKit engine"
    docker save "$image" | bk_docker load -q >/dev/null || fail "could not copy $image to the BuildKit engine"
  fi
  ensure_registry_tools
  start_registry buildkit-plain "$bk_registry_plain_addr" none
  start_registry buildkit-auth "$bk_registry_auth_addr" auth
}

with_registries=
with_podman=
with_test_tools=
with_buildkit=
for argument in "$@"; do
  case "$argument" in
    --registries) with_registries=1 ;;
    --podman) with_podman=1 ;;
    --buildkit) with_buildkit=1 ;;
    # Everything scripts/test.sh needs.
    --for-tests) with_registries=1 with_podman=1 with_buildkit=1 with_test_tools=1 ;;
    *) fail "unknown argument '$argument'; usage: scripts/provision.sh [--registries] [--podman] [--buildkit] [--for-tests]" ;;
  esac
done
# xmllint: the tests validate the JUnit reports against Tests/WorkflowsKitTests/Fixtures/junit-10.xsd.
[ -z "$with_test_tools" ] || command -v xmllint >/dev/null || apt_install libxml2-utils
ensure_engine
ensure_base_image
[ -z "$with_registries" ] || ensure_registries
[ -z "$with_podman" ] || ensure_podman
[ -z "$with_test_tools" ] || ensure_service_images
[ -z "$with_buildkit" ] || ensure_buildkit
say "ready"
