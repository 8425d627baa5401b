# Control-plane end-to-end tests: the real `switchyard` binary with a private --dir, namespaces
# standing in for containers (tests/e2e/switch_*.sh, helpers in switch_lib.sh).
file(GLOB switch_e2e_scripts CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/switch_*.sh)
list(FILTER switch_e2e_scripts EXCLUDE REGEX "switch_lib\\.sh$")
foreach(script IN LISTS switch_e2e_scripts)
  get_filename_component(name ${script} NAME_WE)
  add_test(NAME e2e_${name} COMMAND bash ${script} ${SY_SWITCHYARD_BIN})
  set_tests_properties(e2e_${name} PROPERTIES LABELS e2e RUN_SERIAL TRUE TIMEOUT 180)
endforeach()
