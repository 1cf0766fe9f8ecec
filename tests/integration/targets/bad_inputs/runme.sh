#!/usr/bin/env bash
# The bad-input matrix (issue 7): about 45 bad inputs to the modules, lookups, filters and roles of kentik.kmi.
# Each must fail with one line that names the option and what is allowed, and send no request to the simulator
# (an unknown market name sends exactly one ListMarkets: the names must be known to suggest one).
# main.yml writes the table of what each case got to ${KMI_IT_TMP}/bad_inputs.md; it is printed and copied to
# /tmp/kmi-bad-inputs.md for the closing note.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
table="${KMI_IT_TMP}/bad_inputs.md"
rc=0
kmi_playbook main main.yml -e "kmi_bad_table=${table}" || rc=$?
# The table is written before the final check, so it is there (and shown) when a case is off too.
if [ -s "${table}" ]; then
    set +x
    cat "${table}"
    set -x
    cp "${table}" /tmp/kmi-bad-inputs.md
fi
exit "${rc}"
