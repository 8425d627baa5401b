# The lab (lab/, docs/lab.md) as an end-to-end test: runs every scenario and asserts the
# outcomes its table shows (tests/e2e/lab_outcomes.py). Needs root; a few minutes.
add_test(NAME e2e_lab_outcomes
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/lab_outcomes.py
                 --switchyard ${SY_SWITCHYARD_BIN})
set_tests_properties(e2e_lab_outcomes PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 900)

# The kernel fact the veth lesson's unsafe option depends on (DATA_VALID vs NEEDS_CSUM).
add_test(NAME e2e_lab_kernel_data_valid
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/lab_kernel_data_valid.py)
set_tests_properties(e2e_lab_kernel_data_valid PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 60)

# The overlay scenario alone (two Switchyard hosts over VXLAN, csum-trace container ->
# underlay -> container): about half a minute, so it runs on its own too.
add_test(NAME e2e_lab_overlay
         COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/lab_outcomes.py
                 --switchyard ${SY_SWITCHYARD_BIN} --scenario overlay)
set_tests_properties(e2e_lab_overlay PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 180)
