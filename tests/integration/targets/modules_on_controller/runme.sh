#!/usr/bin/env bash
# The *_info modules on the controller: routers (ssh hosts, never contacted) run module tasks with
# delegate_to: localhost in 10 forks. In the controller's process the modules share the lookups' run cache, so the
# simulator sees each distinct call once; as modules (kmi_run_on_controller: false) every host asks again.
set -eux
source ../setup_kmi_simulator/kmi_sim.sh
kmi_sim_start
cat > "${KMI_IT_TMP}/routers.ini" <<'INI'
[routers]
router[01:20] ansible_host=192.0.2.1 ansible_connection=ssh
INI
kmi_playbook twenty twenty.yml -i "${KMI_IT_TMP}/routers.ini" --forks 10
