#!/bin/sh
# The kernel's own iommufd suite, part 2 of 3: iommufd's
# iommufd_dirty_tracking fixture (dirty bitmaps of 8 KiB to 128 MiB
# domains, hugepage variants included).  Lab kernel only, as
# selftests-iommufd-ioas: dirty bitmaps are code the series does not touch
# (171 s under KASAN).  See selftests-common.inc.
# lab-variants: lab
# lab-plan: 56
# lab-timeout: 600
cd /src || exit 1
. tests/lab/selftests-common.inc

kself iommufd "$SELFTESTS/iommufd" -f iommufd_dirty_tracking
