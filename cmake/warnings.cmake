# Warnings and sanitizers as interface targets (ccache's way): every target links them.
add_library(adrestore_warnings INTERFACE)
if(MSVC)
  target_compile_options(adrestore_warnings INTERFACE /W4 /permissive-)
  if(ADRESTORE_WERROR)
    target_compile_options(adrestore_warnings INTERFACE /WX)
  endif()
else()
  target_compile_options(adrestore_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Wunused
    -Woverloaded-virtual -Wnull-dereference -Wformat=2 -Wimplicit-fallthrough)
  if(ADRESTORE_WERROR)
    target_compile_options(adrestore_warnings INTERFACE -Werror)
  endif()
endif()

if(ADRESTORE_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

# libFuzzer's coverage instrumentation for every object; the fuzz targets link the runtime.
if(ADRESTORE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "ADRESTORE_FUZZ needs clang (libFuzzer): use the fuzz preset")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
