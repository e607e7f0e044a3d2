# Locates the external libraries. Each platform trap is handled here, once.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# libtorch: upstream builds ship TorchConfig.cmake; Debian's libtorch-dev ships only a Caffe2 config
# that demands gflags/glog/protobuf targets, so there we link the three libraries directly.
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
add_library(ds::torch ALIAS ds_torch)

# OpenImageIO's CMake package is broken on Debian 12 (it points at /usr/include/opencv4 and needs
# openimageio-tools): use its pkg-config file.
pkg_check_modules(OIIO REQUIRED IMPORTED_TARGET OpenImageIO)

find_package(nlohmann_json 3 REQUIRED)

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
