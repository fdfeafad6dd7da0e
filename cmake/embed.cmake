# adrestore_embed(<target> OUTPUT <file.cpp> FILES <relative paths...>)
# Generates a C++ file with each input as a byte array, found at run time through
# adrestore::embedded_file("schema/restore-plan.schema.json").
function(adrestore_embed target)
  cmake_parse_arguments(E "" "OUTPUT" "FILES" ${ARGN})
  set(abs_inputs)
  foreach(f ${E_FILES})
    list(APPEND abs_inputs ${CMAKE_SOURCE_DIR}/${f})
  endforeach()
  # A ';' list would become separate arguments; pass it joined with '|'.
  string(REPLACE ";" "|" files_arg "${E_FILES}")
  add_custom_command(OUTPUT ${E_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUTPUT=${E_OUTPUT} -DROOT=${CMAKE_SOURCE_DIR} "-DFILES=${files_arg}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    DEPENDS ${abs_inputs} ${CMAKE_SOURCE_DIR}/cmake/embed_run.cmake
    COMMENT "Embedding ${E_FILES}"
    VERBATIM)
  add_custom_target(${target} DEPENDS ${E_OUTPUT})
endfunction()
