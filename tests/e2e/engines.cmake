# Container engines and metrics against the real daemons (dockerd, podman with CNI, prometheus),
# each run privately by the test (tests/e2e/engines_*.sh, helpers in engines_lib.sh).
foreach(name engines_docker engines_podman_metrics)
  add_test(NAME e2e_${name} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${name}.sh ${SY_SWITCHYARD_BIN})
  set_tests_properties(e2e_${name} PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 300)
endforeach()
