# shellcheck shell=bash
# Sourced by scripts/provision.sh and scripts/test.sh: which builder the Docker CLI's `docker build` uses,
# by the rule of Sources/WorkflowsKit/Docker/Builder.swift (keep them in step). DOCKER_BUILDKIT is read as
# the CLI reads it (Go's ParseBool).
#   - A CLI 23 or later builds with BuildKit when its buildx plugin answers and DOCKER_BUILDKIT is not false.
#   - An older CLI has BuildKit built in: it follows DOCKER_BUILDKIT when set, else the engine's default
#     builder, BuildKit from Docker 23 on. (A 20.10 engine's `features.buildkit` in daemon.json is not read,
#     here or there: such an engine is taken for legacy unless DOCKER_BUILDKIT=1.)
builds_with_buildkit() {
  local client server
  client=$(timeout 10 docker --version 2>/dev/null | sed -n 's/^Docker version \([0-9]*\).*/\1/p')
  if [ -n "$client" ] && [ "$client" -lt 23 ]; then
    case "${DOCKER_BUILDKIT:-}" in
      1 | t | T | true | TRUE | True) return 0 ;;
      "") ;;
      *) return 1 ;;
    esac
    server=$(timeout 10 docker version --format '{{.Server.Version}}' 2>/dev/null | sed -n 's/^\([0-9]*\).*/\1/p')
    [ -n "$server" ] && [ "$server" -ge 23 ]
    return
  fi
  case "${DOCKER_BUILDKIT:-}" in 0 | f | F | false | FALSE | False) return 1 ;; esac
  timeout 10 docker buildx version >/dev/null 2>&1
}
