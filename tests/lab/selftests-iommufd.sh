#!/bin/sh
# The kernel's own iommufd suite (tools/testing/selftests/iommu: iommufd and
# iommufd_fail_nth, on the IOMMUFD_TEST mock driver), part 3 of 3: every
# fixture of iommufd but the two with their own scenario
# (selftests-iommufd-ioas, selftests-iommufd-dirty), so a fixture added
# upstream runs here, and all of iommufd_fail_nth.  The one part that also
# runs on the debug kernel: its fixtures attach, replace and detach
# domains with and without fault queues, the core paths the series
# changes.  See selftests-common.inc.
# lab-variants: lab debug
# lab-plan: 95
# lab-timeout: 600
cd /src || exit 1
. tests/lab/selftests-common.inc

kself iommufd "$SELFTESTS/iommufd" -F iommufd_ioas -F iommufd_dirty_tracking
kself iommufd_fail_nth "$SELFTESTS/iommufd_fail_nth"
