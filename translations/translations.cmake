# The studio's interface languages. To add one: create diffusion-studio_<code>.ts here (copy the
# pt_BR file and translate it; `--target update_translations` keeps it in step with the sources) and
# list it below. The .qm files are embedded in the target as :/i18n/diffusion-studio_<code>.qm.
set(DS_TRANSLATION_FILES
    ${CMAKE_CURRENT_LIST_DIR}/diffusion-studio_en.ts
    ${CMAKE_CURRENT_LIST_DIR}/diffusion-studio_pt_BR.ts)

# `sources`: the files with tr() strings. Only the project root is an include path: lupdate would
# otherwise parse every torch header it can reach (minutes) for nothing.
function(ds_add_studio_translations target sources)
    qt_add_translations(${target}
        TS_FILES ${DS_TRANSLATION_FILES}
        SOURCES ${sources}
        INCLUDE_DIRECTORIES ${PROJECT_SOURCE_DIR}
        RESOURCE_PREFIX "/i18n"
        LUPDATE_OPTIONS -no-obsolete -locations none
        LRELEASE_OPTIONS -silent)
endfunction()
