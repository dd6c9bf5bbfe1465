#!/bin/sh
# The kernel's own iommufd suite, part 1 of 3: iommufd's iommufd_ioas
# fixture (IOAS maps, areas, access pins, forks; 4 variants).  Lab kernel
# only: it drives io_pagetable, which the series does not touch, and under
# KASAN it was the pool's longest scenario (226 s alone, 421 s beside
# another guest); the attach and fault paths the series changes run under
# KASAN in selftests-iommufd.
# See selftests-common.inc.
# lab-variants: lab
# lab-plan: 110
# lab-timeout: 600
cd /src || exit 1
. tests/lab/selftests-common.inc

kself iommufd "$SELFTESTS/iommufd" -f iommufd_ioas
