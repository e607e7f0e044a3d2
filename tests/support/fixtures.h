#pragma once
// Locating ../shared/fixtures for tests. A test that needs them calls DS_REQUIRE_FIXTURES(path):
// under CI=true a missing fixture fails the test, elsewhere it skips with a message.
#include <gtest/gtest.h>

#include <string>

namespace ds::test {

std::string shared_dir();                       // DS_SHARED_DIR env var, else the configured path
std::string sd_tiny_dir();                      // <shared>/fixtures/sd-tiny
std::string sd_tiny_path(const std::string& relative);
bool running_in_ci();
// Empty when `path` exists; otherwise the message to fail or skip with.
std::string missing_fixture_message(const std::string& path);

}  // namespace ds::test

#define DS_REQUIRE_FIXTURE(path)                                               \
    do {                                                                       \
        const std::string ds_missing_ = ::ds::test::missing_fixture_message(path); \
        if (!ds_missing_.empty()) {                                            \
            if (::ds::test::running_in_ci()) {                                 \
                FAIL() << ds_missing_;                                         \
            } else {                                                           \
                GTEST_SKIP() << ds_missing_;                                   \
            }                                                                  \
        }                                                                      \
    } while (0)
