#!/bin/bash
# lab/stage.sh "WHAT" CMD...: run CMD with a banner and its duration.
. "$(dirname "$0")/common.sh"
what=$1
shift
stage_begin "$what"
"$@"
rc=$?
stage_end
exit $rc
