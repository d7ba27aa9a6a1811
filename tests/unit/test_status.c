#include "test_util.h"

#include <string.h>

#include "wavepool/status.h"

static const wp_status all_statuses[] = {
    WP_PENDING, WP_OK, WP_ERR_INVALID_ARGUMENT, WP_ERR_OUT_OF_MEMORY, WP_ERR_UNSUPPORTED_SIZE,
    WP_ERR_CANCELLED, WP_ERR_NOT_FINITE, WP_ERR_THREAD, WP_ERR_SHUTDOWN, WP_ERR_TASK_FAILED, WP_ERR_OUT_OF_RANGE,
};
#define STATUS_COUNT (sizeof all_statuses / sizeof all_statuses[0])

static void every_status_has_its_own_message(void **state)
{
    (void)state;
    for (size_t i = 0; i < STATUS_COUNT; i++) {
        const char *msg = wp_strerror(all_statuses[i]);
        assert_non_null(msg);
        assert_true(strlen(msg) > 1);
        assert_string_not_equal(msg, "unknown status");
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(msg, wp_strerror(all_statuses[j]));
    }
}

static void unknown_status_is_named_so(void **state)
{
    (void)state;
    assert_string_equal(wp_strerror((wp_status)-999), "unknown status");
}

static void errors_are_negative_and_pending_positive(void **state)
{
    (void)state;
    assert_int_equal(WP_OK, 0);
    assert_true(WP_PENDING > 0);
    for (size_t i = 2; i < STATUS_COUNT; i++)
        assert_true(all_statuses[i] < 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_status_has_its_own_message),
        cmocka_unit_test(unknown_status_is_named_so),
        cmocka_unit_test(errors_are_negative_and_pending_positive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
