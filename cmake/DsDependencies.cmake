# Locates the external libraries. Each platform trap is handled here, once.
find_package(Threads REQUIRED)

# libtorch: upstream builds ship TorchConfig.cmake; Debian's libtorch-dev ships only a Caffe2 config
# that demands gflags/glog/protobuf targets, so there we link the three libraries directly.
# DS_TORCH_ROOT (a pip torch package folder, holding include/ and lib/) links such a libtorch
# directly too: its TorchConfig.cmake insists on finding a CUDA toolkit and cuDNN for a CUDA build,
# although nothing here compiles CUDA code (packaging/train-builtin-gpu.sh uses this).
set(DS_TORCH_ROOT "" CACHE PATH "A pip torch package folder to link directly (include/, lib/)")
set(DS_TORCH_CXX11_ABI "" CACHE STRING "_GLIBCXX_USE_CXX11_ABI of that libtorch (0 or 1; empty: the compiler's default)")
if(DS_TORCH_ROOT)
    add_library(ds_torch INTERFACE)
    target_include_directories(ds_torch SYSTEM INTERFACE
        ${DS_TORCH_ROOT}/include ${DS_TORCH_ROOT}/include/torch/csrc/api/include)
    set(ds_torch_libs)
    foreach(lib torch torch_cpu torch_cuda c10 c10_cuda)
        if(EXISTS ${DS_TORCH_ROOT}/lib/lib${lib}.so)
            list(APPEND ds_torch_libs ${DS_TORCH_ROOT}/lib/lib${lib}.so)
        endif()
    endforeach()
    # --no-as-needed: libtorch_cpu/libtorch_cuda register their kernels from static initialisers.
    # The CUDA runtime libraries those need are found through their own RPATHs at run time.
    target_link_libraries(ds_torch INTERFACE "-Wl,--no-as-needed" ${ds_torch_libs} "-Wl,--as-needed"
        "-Wl,-rpath,${DS_TORCH_ROOT}/lib" "-Wl,--allow-shlib-undefined" Threads::Threads)
    if(NOT DS_TORCH_CXX11_ABI STREQUAL "")
        target_compile_definitions(ds_torch INTERFACE _GLIBCXX_USE_CXX11_ABI=${DS_TORCH_CXX11_ABI})
    endif()
    message(STATUS "libtorch from ${DS_TORCH_ROOT}: ${ds_torch_libs}")
else()
find_package(Torch CONFIG QUIET)
if(Torch_FOUND)
    add_library(ds_torch INTERFACE)
    target_link_libraries(ds_torch INTERFACE ${TORCH_LIBRARIES})
    target_include_directories(ds_torch INTERFACE ${TORCH_INCLUDE_DIRS})
else()
    find_path(DS_TORCH_INCLUDE ATen/ATen.h REQUIRED)
    find_path(DS_TORCH_API_INCLUDE torch/torch.h
              PATHS ${DS_TORCH_INCLUDE}/torch/csrc/api/include NO_DEFAULT_PATH)
    find_library(DS_TORCH_LIB torch REQUIRED)
    find_library(DS_TORCH_CPU_LIB torch_cpu REQUIRED)
    find_library(DS_C10_LIB c10 REQUIRED)
    add_library(ds_torch INTERFACE)
    target_include_directories(ds_torch SYSTEM INTERFACE ${DS_TORCH_INCLUDE} ${DS_TORCH_API_INCLUDE})
    # --no-as-needed: libtorch.so registers the CPU kernels from static initialisers.
    target_link_libraries(ds_torch INTERFACE
        "-Wl,--no-as-needed" ${DS_TORCH_LIB} ${DS_TORCH_CPU_LIB} ${DS_C10_LIB} "-Wl,--as-needed"
        Threads::Threads)
endif()
endif()
add_library(ds::torch ALIAS ds_torch)

# OpenImageIO's CMake package is broken on Debian 12 (it points at /usr/include/opencv4 and needs
# openimageio-tools): use its pkg-config file.
if(DS_WITH_OPENIMAGEIO)
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(OIIO REQUIRED IMPORTED_TARGET OpenImageIO)
endif()

# Header-only; a bare include folder (a GPU server without the package's CMake files) does too.
find_package(nlohmann_json 3 QUIET)
if(NOT nlohmann_json_FOUND)
    find_path(DS_NLOHMANN_JSON_INCLUDE nlohmann/json.hpp REQUIRED)
    add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
    target_include_directories(nlohmann_json::nlohmann_json INTERFACE ${DS_NLOHMANN_JSON_INCLUDE})
endif()

# sentencepiece is linked only into an isolated plugin (see core/tokenizers/plugin), never into a
# target that links torch: its bundled protobuf crashes a process that also loads libtorch.
find_library(DS_SENTENCEPIECE_LIB sentencepiece REQUIRED)
find_library(DS_SENTENCEPIECE_TRAIN_LIB sentencepiece_train REQUIRED)
find_path(DS_SENTENCEPIECE_INCLUDE sentencepiece_processor.h REQUIRED)

if(DS_BUILD_UI)
    find_package(Qt6 REQUIRED COMPONENTS Core Gui Widgets PrintSupport Test LinguistTools)
    find_package(QCustomPlotQt6 REQUIRED)
endif()
if(DS_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()
