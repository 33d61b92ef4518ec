/*
 * test_config.c - the configuration file: defaults, every kind of value,
 * and refusals that name the file and the line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config.h"
#include "err.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static int setup(void **state)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/seuil-config-test-XXXXXX");
	fd = mkstemp(path);

	(void)state;
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static void write_file(const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int load(const char *text, struct seuil_config *cfg, char *err, size_t len)
{
	write_file(text);
	config_defaults(cfg);
	err[0] = '\0';
	return config_load(path, cfg, err, len);
}

static void test_config__defaults(void **state)
{
	struct seuil_config cfg;

	(void)state;
	config_defaults(&cfg);
	assert_string_equal(cfg.door_backend, "sim");
	assert_false(cfg.maglock);
	assert_true(cfg.reader_enabled);
	assert_int_equal(cfg.poll_period_ms, 150);
	assert_int_equal(cfg.held_open_s, 30);
	assert_int_equal(cfg.gpio_relay, -1);
	assert_string_equal(cfg.log_level, "info");
}

static void test_config__full_file(void **state)
{
	struct seuil_config cfg;
	char err[512];

	(void)state;
	assert_int_equal(load("; the entrance\n"
			      "[device]\nid = entree-1\ndoor = entree\n"
			      "[reader]\nconnstring = pn532_uart:/dev/ttyS0\npoll_period_ms = 300\n"
			      "[door]\nbackend = gpiod\nmaglock = yes\nheld_open_s = 45\n"
			      "[gpio]\nchip = gpiochip0\nrelay = 17\ncontact = 27\nbuzzer = none\n"
			      "inputs_active_low = true\n"
			      "[log]\nlevel = debug\n",
			      &cfg, err, sizeof(err)),
			 SEUIL_OK);
	assert_string_equal(cfg.device_id, "entree-1");
	assert_string_equal(cfg.connstring, "pn532_uart:/dev/ttyS0");
	assert_int_equal(cfg.poll_period_ms, 300);
	assert_string_equal(cfg.door_backend, "gpiod");
	assert_true(cfg.maglock);
	assert_int_equal(cfg.held_open_s, 45);
	assert_int_equal(cfg.gpio_relay, 17);
	assert_int_equal(cfg.gpio_contact, 27);
	assert_int_equal(cfg.gpio_buzzer, -1);
	assert_true(cfg.gpio_inputs_active_low);
	assert_string_equal(cfg.log_level, "debug");
	assert_int_equal(cfg.rex_unlock_ms, 5000); /* untouched keys keep their default */
}

static void expect_refused(const char *text, const char *needle)
{
	struct seuil_config cfg, before;
	char err[512];

	config_defaults(&before);
	assert_int_equal(load(text, &cfg, err, sizeof(err)), SEUIL_ERR_INVALID);
	if (strstr(err, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", err, needle);
	assert_non_null(strstr(err, path));
	assert_null(strchr(err, '\n'));
	/* nothing of a refused file is applied */
	assert_memory_equal(&cfg, &before, sizeof(cfg));
}

static void test_config__refusals_name_the_line(void **state)
{
	(void)state;
	expect_refused("[door]\nbackend = sim\nheld_open_s = 0\n", ":3: [door] held_open_s");
	expect_refused("[door]\nheld_open_s = 12abc\n", ":2:");
	expect_refused("[door]\nbackend = relay\n", "not one of: gpiod sim");
	expect_refused("[door]\nbackend = gp\n", "not one of");
	expect_refused("[door]\nmaglock = maybe\n", "not yes or no");
	expect_refused("[door]\nhold_open_s = 30\n", "unknown key \"hold_open_s\" in section [door]");
	expect_refused("[doors]\nbackend = sim\n", "unknown section [doors]");
	expect_refused("backend = sim\n", "unknown section []");
	expect_refused("[gpio]\nrelay = -2\n", "from -1 to 511");
	expect_refused("[gpio]\nrelay = 99999999999999999999\n", "whole number");
	expect_refused("[device]\nid = 0123456789012345678901234567890123456789012345678901234567890123456789\n",
		       "longer than 63");
	expect_refused("[device\nid = x\n", ":1:");
	expect_refused("[log]\nlevel = verbose\n", "not one of: error warning info debug");
	expect_refused("[door]\nheld_open_s = 30\nheld_open_s = 40\n", ":3: [door] held_open_s is given twice");
}

static void test_config__missing_file(void **state)
{
	struct seuil_config cfg;
	char err[512] = "";

	(void)state;
	config_defaults(&cfg);
	assert_int_equal(config_load("/nonexistent/seuil.conf", &cfg, err, sizeof(err)), SEUIL_ERR_NOT_FOUND);
	assert_non_null(strstr(err, "/nonexistent/seuil.conf"));
	assert_int_equal(config_load("/tmp", &cfg, err, sizeof(err)), SEUIL_ERR_INVALID);
}

static void test_config__log_levels(void **state)
{
	(void)state;
	assert_int_equal(config_log_level("error"), 0);
	assert_int_equal(config_log_level("debug"), 3);
	assert_int_equal(config_log_level("loud"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_config__defaults),
		cmocka_unit_test_setup_teardown(test_config__full_file, setup, teardown),
		cmocka_unit_test_setup_teardown(test_config__refusals_name_the_line, setup, teardown),
		cmocka_unit_test(test_config__missing_file),
		cmocka_unit_test(test_config__log_levels),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
