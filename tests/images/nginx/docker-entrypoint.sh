#!/bin/sh
# The official image's entrypoint runs the scripts of /docker-entrypoint.d/ first: this image has none. Kept so
# that a manifest's `args` without `command` run as they do there.
exec "$@"
