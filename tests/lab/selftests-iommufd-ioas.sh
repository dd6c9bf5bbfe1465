#!/bin/sh
# The kernel's own iommufd suite, part 1 of 3: iommufd's iommufd_ioas
# fixture (IOAS maps, areas, access pins, forks; 4 variants), about half of
# the suite's time under KASAN.  See selftests-common.inc.
# lab-variants: lab debug
# lab-plan: 110
# lab-timeout: 600
cd /src || exit 1
. tests/lab/selftests-common.inc

kself iommufd "$SELFTESTS/iommufd" -f iommufd_ioas
