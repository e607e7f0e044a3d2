#pragma once
// The message of the exception `f` throws; a test failure (and "") when it throws none.
#include <gtest/gtest.h>

#include <exception>
#include <string>

namespace ds::test {

template <typename F>
std::string error_of(F f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    ADD_FAILURE() << "no exception";
    return "";
}

}  // namespace ds::test
