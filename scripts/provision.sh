#!/usr/bin/env bash
# Makes this machine ready for `workflows` and its tests, idempotently:
#   1. a Docker engine that answers (Debian's docker.io, started in the background, only when none answers);
#   2. the Dockerfile's base image (a stand-in built from Debian's packages, only when it cannot be pulled);
#   3. with --registries: two real registries on loopback for the publish tests (plain, and htpasswd auth);
#   4. with --podman: Podman with the setting this machine needs, DNS for network aliases, and the base
#      image in its store;
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

ensure_engine() {
  command -v docker >/dev/null || apt_install docker.io
  engine_answers && return 0
  if [ -n "${DOCKER_HOST:-}" ] || [ -n "${DOCKER_CONTEXT:-}" ]; then
    fail "the engine at ${DOCKER_HOST:-context $DOCKER_CONTEXT} does not answer 'docker info'; start it, or unset DOCKER_HOST/DOCKER_CONTEXT to use a local one"
  fi
  command -v dockerd >/dev/null || apt_install docker.io
  # Debian's package pulls these in as recommendations only; the engine needs them here.
  apt_install containerd runc iptables
  # A dockerd that died uncleanly (a stopped session, a killed CI job) leaves its pid file behind.
  if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid)" 2>/dev/null; then
    rm -f /var/run/docker.pid
  fi
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

ensure_registries() {
  command -v docker-registry >/dev/null || apt_install docker-registry
  command -v htpasswd >/dev/null || apt_install apache2-utils
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

with_registries=
with_podman=
with_test_tools=
for argument in "$@"; do
  case "$argument" in
    --registries) with_registries=1 ;;
    --podman) with_podman=1 ;;
    # Everything scripts/test.sh needs.
    --for-tests) with_registries=1 with_podman=1 with_test_tools=1 ;;
    *) fail "unknown argument '$argument'; usage: scripts/provision.sh [--registries] [--podman] [--for-tests]" ;;
  esac
done
# xmllint: the tests validate the JUnit reports against Tests/WorkflowsKitTests/Fixtures/junit-10.xsd.
[ -z "$with_test_tools" ] || command -v xmllint >/dev/null || apt_install libxml2-utils
ensure_engine
ensure_base_image
[ -z "$with_registries" ] || ensure_registries
[ -z "$with_podman" ] || ensure_podman
[ -z "$with_test_tools" ] || ensure_service_images
say "ready"
